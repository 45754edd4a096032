// Package alert tells migrant-protection offices about new high-risk job
// ads aimed at the people they protect: timely, without floods, without
// repeats, and without silent losses.
//
// Flagged ads go through intake stages inside one outbox transaction:
// route (the routing tree of configs/alerts.yaml), silence, dedupe (never
// the same ad twice to a receiver; reposts folded into the first alert's
// thread) and group. The transaction commits before the Kafka offsets do.
// A loop then flushes due groups into notifications in the outbox (group
// wait and interval, digests, quiet hours) and delivers them through each
// receiver's notifiers, retrying with backoff across restarts until they
// are delivered.
package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/prometheus/client_golang/prometheus"
)

// Alerter is the alert stage: New builds it, Accept takes flagged ads,
// Run delivers, Close drains.
type Alerter struct {
	cfg     Config
	rules   *Rules
	store   *store
	intake  multiStage
	flusher flushStage
	deliver *deliverStage
	clock   Clock
	log     *slog.Logger
	metrics *Metrics

	wake        chan struct{}
	quit        chan struct{}
	sendCtx     context.Context
	cancelSends context.CancelFunc

	mu      sync.Mutex
	runDone chan struct{}
	closed  bool
	pruned  time.Time // when threads were last pruned; only Run's goroutine uses it
}

// Option sets a collaborator of the Alerter.
type Option func(*options)

type options struct {
	log    *slog.Logger
	reg    prometheus.Registerer
	clock  Clock
	client *http.Client
	stdout io.Writer
}

// WithLogger logs to l instead of nowhere.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithRegisterer registers the metrics with reg.
func WithRegisterer(reg prometheus.Registerer) Option { return func(o *options) { o.reg = reg } }

// WithClock replaces the system clock, for tests.
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

// WithStdout is where a file notifier with path "-" writes.
func WithStdout(w io.Writer) Option { return func(o *options) { o.stdout = w } }

// deps are what notifiers are built with.
type deps struct {
	client *http.Client
	stdout io.Writer
	dir    string
	clock  Clock
	locks  map[string]*sync.Mutex
}

// fileLock returns the one lock of a path, so that receivers writing to
// one file take turns.
func (d *deps) fileLock(path string) *sync.Mutex {
	if d.locks[path] == nil {
		d.locks[path] = &sync.Mutex{}
	}
	return d.locks[path]
}

// New opens the outbox under cfg.Dir and builds a notifier for every
// integration of every receiver, reading their secrets. A missing secret
// is an error naming the receiver and the setting.
func New(cfg Config, rules *Rules, opts ...Option) (*Alerter, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Dir == "" {
		return nil, errors.New("alert.dir: is required")
	}
	o := options{log: slog.New(slog.DiscardHandler), clock: systemClock{}, client: &http.Client{}, stdout: os.Stdout}
	for _, opt := range opts {
		opt(&o)
	}
	ren, err := newRenderer()
	if err != nil {
		return nil, err
	}
	d := &deps{client: o.client, stdout: o.stdout, dir: cfg.Dir, clock: o.clock, locks: map[string]*sync.Mutex{}}
	notifiers, err := buildNotifiers(rules, ren, d)
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg.Dir)
	if err != nil {
		return nil, err
	}
	m := NewMetrics(o.reg)
	log := o.log.With("stage", "alert")
	sendCtx, cancel := context.WithCancel(context.Background())
	a := &Alerter{
		cfg: cfg, rules: rules, store: st, clock: o.clock, log: log, metrics: m,
		intake: multiStage{
			routeStage{rules: rules, baseURL: cfg.UIBaseURL, metrics: m},
			silenceStage{log: log, metrics: m},
			dedupeStage{window: cfg.FoldWindow, log: log, metrics: m},
			groupStage{metrics: m},
		},
		flusher: flushStage{rules: rules, log: log, metrics: m},
		deliver: &deliverStage{
			store: st, notifiers: notifiers, retryMin: cfg.RetryMin, retryMax: cfg.RetryMax,
			maxFailures: cfg.MaxFailures, timeout: cfg.SendTimeout, clock: o.clock, log: log, metrics: m,
			down: map[string]bool{}, missing: map[string]bool{},
		},
		wake: make(chan struct{}, 1), quit: make(chan struct{}), sendCtx: sendCtx, cancelSends: cancel,
	}
	for _, rc := range rules.Receivers {
		for _, integ := range rc.Integrations() {
			m.up.WithLabelValues(rc.Name, integ).Set(1)
			m.failures.WithLabelValues(rc.Name, integ).Set(0)
		}
	}
	return a, nil
}

func buildNotifiers(rules *Rules, ren *renderer, d *deps) (map[string]Notifier, error) {
	out := map[string]Notifier{}
	for i := range rules.Receivers {
		rc := &rules.Receivers[i]
		wrap := func(err error) error { return fmt.Errorf("alert receiver %s: %w", rc.Name, err) }
		if c := rc.Webhook; c != nil {
			n, err := newWebhook(c, rc, ren, d)
			if err != nil {
				return nil, wrap(err)
			}
			out[integrationKey(rc.Name, "webhook")] = n
		}
		if c := rc.Email; c != nil {
			n, err := newEmail(c, rc, ren, d)
			if err != nil {
				return nil, wrap(err)
			}
			out[integrationKey(rc.Name, "email")] = n
		}
		if c := rc.Slack; c != nil {
			n, err := newSlack(c, rc, ren, d)
			if err != nil {
				return nil, wrap(err)
			}
			out[integrationKey(rc.Name, "slack")] = n
		}
		if c := rc.File; c != nil {
			out[integrationKey(rc.Name, "file")] = newFile(c, rc, ren, d)
		}
	}
	return out, nil
}

// Accept routes, filters and groups a batch of flagged ads, and makes the
// result durable in the outbox before it returns: the caller may commit
// the ads' offsets once it returns nil. Accepting an ad again (a
// redelivery after a crash) changes nothing. An error is worth retrying.
func (a *Alerter) Accept(ctx context.Context, ads []*ad.Flagged) error {
	if len(ads) == 0 {
		return nil
	}
	as := make([]*alertCand, len(ads))
	for i, f := range ads {
		as[i] = &alertCand{ad: f}
	}
	now := a.clock.Now()
	err := a.store.update(func(t *tx) error {
		_, err := a.intake.handle(ctx, t, now, as)
		return err
	})
	if err != nil {
		return fmt.Errorf("write %d alerts to the outbox: %w", len(ads), err)
	}
	select {
	case a.wake <- struct{}{}:
	default:
	}
	return nil
}

// Run flushes due groups into the outbox and delivers it until ctx is
// cancelled or Close is called.
func (a *Alerter) Run(ctx context.Context) error {
	a.mu.Lock()
	if a.closed || a.runDone != nil {
		a.mu.Unlock()
		return errors.New("alerter: Run called twice or after Close")
	}
	done := make(chan struct{})
	a.runDone = done
	a.mu.Unlock()
	defer close(done)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-a.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-a.wake:
		case <-t.C:
		}
		if err := a.step(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("alert delivery round failed; will try again", "err", err)
		}
		t.Reset(a.cfg.Poll)
	}
}

// step is one round: flush what is due, deliver what waits.
func (a *Alerter) step(ctx context.Context) error {
	err := a.store.update(func(t *tx) error {
		_, err := a.flusher.flush(ctx, t, a.clock.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("flush groups: %w", err)
	}
	if err := a.deliver.deliver(ctx, a.sendCtx); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	if now := a.clock.Now(); now.Sub(a.pruned) >= pruneEvery {
		err := a.store.update(func(t *tx) error {
			n, err := t.pruneThreads(now, a.cfg.FoldWindow)
			if n > 0 {
				a.log.Debug("threads past the fold window forgotten", "threads", n)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("prune threads: %w", err)
		}
		a.pruned = now
	}
	return a.gauges()
}

// gauges counts what waits, by receiver.
func (a *Alerter) gauges() error {
	outbox, pending := map[string]float64{}, map[string]float64{}
	err := a.store.view(func(t *tx) error {
		entries, err := t.outbox()
		if err != nil {
			return err
		}
		for _, e := range entries {
			outbox[e.rec.Receiver]++
		}
		return t.b(bucketPending).ForEach(func(k, _ []byte) error {
			rcv, _, _ := strings.Cut(string(k), "\x00")
			pending[rcv]++
			return nil
		})
	})
	if err != nil {
		return err
	}
	a.metrics.outbox.Reset()
	a.metrics.pending.Reset()
	for _, rc := range a.rules.Receivers {
		a.metrics.outbox.WithLabelValues(rc.Name).Set(outbox[rc.Name])
		a.metrics.pending.WithLabelValues(rc.Name).Set(pending[rc.Name])
	}
	return nil
}

// Close stops Run and waits for it. Sends in progress may finish until ctx
// is done; then they are cut off, and their notifications stay in the
// outbox, to be sent again, with the same id, after the next start.
func (a *Alerter) Close(ctx context.Context) error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	done := a.runDone
	a.mu.Unlock()
	close(a.quit)
	if done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			a.cancelSends()
			<-done
		}
	}
	a.cancelSends()
	return a.store.close()
}
