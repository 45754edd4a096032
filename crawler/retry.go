package crawler

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retrier repeats a call whose error says it is retryable, waiting with
// exponential backoff and full jitter between tries, or as long as the
// server's Retry-After asked. It is the one retry loop of the crawler: the
// fetch says what is retryable, this decides when.
type retrier struct {
	tries         int // retries after the first try
	base, ceiling time.Duration
	maxAfter      time.Duration
	clock         Clock
	jitter        func(n int64) int64
	// onRetry is told of each retry, for logs and metrics.
	onRetry func(attempt int, wait time.Duration, err error)
}

func newRetrier(cfg *Config, clock Clock) *retrier {
	return &retrier{tries: cfg.Retries, base: cfg.Backoff, ceiling: cfg.MaxBackoff, maxAfter: cfg.MaxRetryAfter,
		clock: clock, jitter: rand.Int64N}
}

// do calls f until it succeeds, fails for good, the tries run out or ctx is
// done.
func (r *retrier) do(ctx context.Context, f func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := f(ctx)
		var re *retryable
		if err == nil || !errors.As(err, &re) {
			return err
		}
		if attempt >= r.tries {
			return fmt.Errorf("gave up after %d tries: %w", attempt+1, err)
		}
		wait := r.backoff(attempt)
		if re.after > 0 {
			if re.after > r.maxAfter {
				return fmt.Errorf("server asks to retry after %s, more than max_retry_after %s: %w", re.after, r.maxAfter, err)
			}
			wait = max(wait, re.after)
		}
		if r.onRetry != nil {
			r.onRetry(attempt+1, wait, err)
		}
		if err := r.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// backoff is base·2^attempt capped at the ceiling, with jitter taking it
// anywhere between half and all of that, so that many crawlers that failed
// together do not retry together.
func (r *retrier) backoff(attempt int) time.Duration {
	d := r.base << min(attempt, 30)
	if d > r.ceiling || d <= 0 {
		d = r.ceiling
	}
	half := int64(d / 2)
	if half <= 0 {
		return d
	}
	return time.Duration(half + r.jitter(half+1))
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
		return time.Duration(max(secs, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
