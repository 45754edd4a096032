package alert

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// deliverStage is the one retry loop of the alerter. It sends what waits
// in the outbox, oldest first, through each integration's notifier, and
// deletes a notification only once the notifier said it was delivered. A
// failure keeps the notification and schedules its next attempt with
// backoff; the attempts are stored, so the backoff survives restarts.
// Later notifications of the same integration wait behind a failing one,
// so an office gets its alerts in order when it comes back.
type deliverStage struct {
	store       *store
	notifiers   map[string]Notifier // by integration key, receiver/integration
	retryMin    time.Duration
	retryMax    time.Duration
	maxFailures int
	timeout     time.Duration
	clock       Clock
	log         *slog.Logger
	metrics     *Metrics

	mu      sync.Mutex
	down    map[string]bool
	missing map[string]bool
}

func integrationKey(receiver, integration string) string { return receiver + "/" + integration }

// deliver sends every notification that is due. It stops starting new
// sends once ctx is done; sends already started run on sendCtx, which
// Close cancels only when its own deadline passes.
func (s *deliverStage) deliver(ctx, sendCtx context.Context) error {
	var entries []outboxEntry
	if err := s.store.view(func(t *tx) (err error) { entries, err = t.outbox(); return err }); err != nil {
		return err
	}
	queues := map[string][]outboxEntry{}
	var order []string
	for _, e := range entries {
		k := integrationKey(e.rec.Receiver, e.rec.Integration)
		if _, ok := queues[k]; !ok {
			order = append(order, k)
		}
		queues[k] = append(queues[k], e)
	}
	for _, k := range order {
		s.health(k, &queues[k][0].rec)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(order))
	for i, k := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.drain(ctx, sendCtx, k, queues[k])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// drain sends one integration's queue in order until one fails or is not
// due yet.
func (s *deliverStage) drain(ctx, sendCtx context.Context, k string, queue []outboxEntry) error {
	n := s.notifiers[k]
	if n == nil {
		s.warnMissing(k, len(queue))
		return nil
	}
	for _, e := range queue {
		if ctx.Err() != nil || e.rec.NextAttempt.After(s.clock.Now()) {
			return nil
		}
		actx, cancel := context.WithTimeout(sendCtx, s.timeout)
		retry, err := n.Notify(actx, &e.rec.Notification)
		cancel()
		if err == nil {
			if err := s.store.update(func(t *tx) error { return t.b(bucketOutbox).Delete(e.key) }); err != nil {
				return err
			}
			s.metrics.sent.WithLabelValues(e.rec.Receiver, e.rec.Integration).Inc()
			s.metrics.sentAds.WithLabelValues(e.rec.Receiver, e.rec.Integration).Add(float64(len(e.rec.Items)))
			s.markUp(k, &e.rec)
			continue
		}
		return s.failed(k, &e, retry, err)
	}
	return nil
}

// failed records a failed attempt and when to try again.
func (s *deliverStage) failed(k string, e *outboxEntry, retry bool, err error) error {
	now := s.clock.Now()
	r := &e.rec
	r.Attempts++
	r.LastError, r.LastReason = err.Error(), reasonOf(err)
	r.NextAttempt = now.Add(s.backoff(r.Attempts, retry))
	if uerr := s.store.update(func(t *tx) error { return t.put(bucketOutbox, e.key, r) }); uerr != nil {
		return uerr
	}
	s.metrics.failed.WithLabelValues(r.Receiver, r.Integration, r.LastReason).Inc()
	log := s.log.With("receiver", r.Receiver, "integration", r.Integration, "notification", r.ID,
		"attempt", r.Attempts, "reason", r.LastReason, "retry_at", r.NextAttempt, "err", err)
	switch {
	case !retry:
		log.Error("delivery refused; the notification waits in the outbox until the receiver is fixed")
	case r.Attempts < s.maxFailures:
		log.Warn("delivery failed; will retry")
	}
	s.health(k, r)
	return nil
}

// health reports an integration by the notification at the head of its
// queue: after max_failures failed attempts in a row it is down, on
// /metrics and, once, in the log.
func (s *deliverStage) health(k string, r *outboxRec) {
	s.metrics.failures.WithLabelValues(r.Receiver, r.Integration).Set(float64(r.Attempts))
	if r.Attempts < s.maxFailures {
		return
	}
	s.metrics.up.WithLabelValues(r.Receiver, r.Integration).Set(0)
	s.mu.Lock()
	was := s.down[k]
	s.down[k] = true
	s.mu.Unlock()
	if !was {
		s.log.Error("receiver is down; its alerts wait in the outbox and go out when it is back",
			"receiver", r.Receiver, "integration", r.Integration, "failed_attempts", r.Attempts,
			"last_reason", r.LastReason, "last_error", r.LastError, "retry_at", r.NextAttempt)
	}
}

func (s *deliverStage) markUp(k string, r *outboxRec) {
	s.metrics.up.WithLabelValues(r.Receiver, r.Integration).Set(1)
	s.metrics.failures.WithLabelValues(r.Receiver, r.Integration).Set(0)
	s.mu.Lock()
	was := s.down[k]
	delete(s.down, k)
	s.mu.Unlock()
	if was || r.Attempts > 0 {
		s.log.Info("receiver is back; delivering what waited", "receiver", r.Receiver, "integration", r.Integration,
			"notification", r.ID, "after_attempts", r.Attempts+1)
	}
}

func (s *deliverStage) warnMissing(k string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.missing[k] {
		s.missing[k] = true
		s.log.Warn("notifications wait for an integration that is no longer configured", "integration", k, "waiting", n)
	}
}

// backoff is the wait before attempt n+1: doubling from retry_min to
// retry_max, with jitter so many alerters do not knock at once. A refusal
// no retry can cure waits the longest.
func (s *deliverStage) backoff(attempts int, retry bool) time.Duration {
	d := s.retryMax
	if retry {
		d = s.retryMin
		for i := 1; i < attempts && d < s.retryMax; i++ {
			d *= 2
		}
		d = min(d, s.retryMax)
	}
	return d - d/10 + time.Duration(rand.Int64N(int64(d/5)+1))
}
