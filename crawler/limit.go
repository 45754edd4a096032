package crawler

import (
	"context"
	"sync"
	"time"
)

// hosts keeps one politeness limiter per host, shared by every source that
// reaches the host, so that two sources on one board do not double its
// load.
type hosts struct {
	cfg   *Config
	clock Clock

	mu    sync.Mutex
	hosts map[string]*hostLimit
}

// hostLimit spaces requests to one host by delay and bounds how many run at
// once.
type hostLimit struct {
	slots chan struct{}

	mu    sync.Mutex
	delay time.Duration // from the host rules
	floor time.Duration // robots.txt Crawl-delay
	next  time.Time     // the earliest start of the next request
}

func newHosts(cfg *Config, clock Clock) *hosts {
	return &hosts{cfg: cfg, clock: clock, hosts: map[string]*hostLimit{}}
}

func (h *hosts) get(host string) *hostLimit {
	h.mu.Lock()
	defer h.mu.Unlock()
	l, ok := h.hosts[host]
	if !ok {
		d, n := h.cfg.politeness(host)
		l = &hostLimit{slots: make(chan struct{}, n), delay: d}
		h.hosts[host] = l
	}
	return l
}

// raiseDelay makes the host's delay at least d (a robots.txt Crawl-delay).
func (h *hosts) raiseDelay(host string, d time.Duration) {
	l := h.get(host)
	l.mu.Lock()
	l.floor = max(l.floor, d)
	l.mu.Unlock()
}

// acquire waits for a free slot and for the delay since the last request
// to the host, then returns the function that frees the slot. The delay is
// the source's own when it sets one (own >= 0), else the host's; never
// less than the host's Crawl-delay.
func (h *hosts) acquire(ctx context.Context, host string, own time.Duration) (release func(), err error) {
	l := h.get(host)
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Reserve the next start time under the lock, wait outside it, so
	// that waiters queue in order without holding the lock.
	l.mu.Lock()
	now := h.clock.Now()
	start := now
	if l.next.After(now) {
		start = l.next
	}
	d := l.delay
	if own >= 0 {
		d = own
	}
	l.next = start.Add(max(d, l.floor))
	l.mu.Unlock()
	if err := h.clock.Sleep(ctx, start.Sub(now)); err != nil {
		<-l.slots
		return nil, err
	}
	return func() { <-l.slots }, nil
}
