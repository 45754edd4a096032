package alert

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/lurewatch/lurewatch/pkg/bus"
	"github.com/lurewatch/lurewatch/pkg/bus/bustest"
)

var brokers *bustest.Set

func TestMain(m *testing.M) { bustest.Main(m, &brokers) }

// stageRun is the alert stage as lurewatch runs it: a consumer of the
// flagged topic in the alerter's group handing batches to Accept, and the
// delivery loop beside it.
type stageRun struct {
	a      *Alerter
	cancel context.CancelFunc
	wg     sync.WaitGroup
	errs   chan error
}

func startStage(t *testing.T, c *bus.Client, dir string, rules *Rules) *stageRun {
	t.Helper()
	cfg := Config{Dir: dir, UIBaseURL: "http://ui.test", RetryMin: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond, Poll: 20 * time.Millisecond}
	a, err := New(cfg, rules)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &stageRun{a: a, cancel: cancel, errs: make(chan error, 2)}
	cons := c.NewConsumer(bus.ConsumerOptions{Group: "lurewatch-alerter", Topic: c.Topics().Flagged, MaxBatch: 4})
	decode := func(m bus.Message) (*ad.Flagged, error) {
		return ad.DecodeFlagged(m.Value, m.Headers[ad.HeaderSchemaVersion])
	}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.errs <- bus.Consume(ctx, cons, decode, a.Accept) }()
	go func() { defer s.wg.Done(); s.errs <- a.Run(ctx) }()
	return s
}

// stop ends intake, then closes the alerter with grace (or none).
func (s *stageRun) stop(t *testing.T, grace bool) {
	t.Helper()
	s.cancel()
	cctx, cancel := context.WithCancel(context.Background())
	if !grace {
		cancel()
	}
	defer cancel()
	if err := s.a.Close(cctx); err != nil {
		t.Fatal(err)
	}
	s.wg.Wait()
	close(s.errs)
	for err := range s.errs {
		if err != nil {
			t.Errorf("stage returned %v", err)
		}
	}
}

func publishAds(t *testing.T, c *bus.Client, from, to int) []string {
	t.Helper()
	p := c.NewProducer()
	defer p.Close()
	var msgs []bus.Message
	var out []string
	for i := from; i < to; i++ {
		f := flagged(fmt.Sprintf("k%03d", i), nil)
		data, err := f.Encode()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f.ID)
		msgs = append(msgs, bus.Message{Topic: c.Topics().Flagged, Key: []byte(f.ID), Value: data,
			Headers: map[string]string{ad.HeaderSchemaVersion: strconv.Itoa(ad.SchemaVersion)}})
	}
	if err := p.Publish(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitAds waits, within a generous bound, until the receiver has every ad.
func waitAds(t *testing.T, h *hook, want []string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		got := h.ads()
		all := true
		for _, id := range want {
			if got[id] == 0 {
				all = false
				break
			}
		}
		if all {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("receiver has %d of %d ads", len(h.ads()), len(want))
}

// Flagged ads travel through real Kafka (and the embedded broker) into the
// alert stage. The stage is stopped while a notification is on the wire
// and the receiver is not answering; after the restart the receiver has
// every ad exactly once.
func TestStageEndToEndWithRestart(t *testing.T) {
	for _, name := range bustest.Names {
		t.Run(name, func(t *testing.T) {
			b := brokers.Get(t, name)
			cfg := bus.Config{TopicPrefix: fmt.Sprintf("t%d", rand.Int64()), Partitions: 3, RetryMin: 10 * time.Millisecond, RetryMax: 100 * time.Millisecond}
			c, err := bus.New(cfg, []string{b.Addr}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := c.EnsureTopics(ctx); err != nil {
				t.Fatal(err)
			}
			h := newHook(t, "s3cret")
			rules := hookRules(t, h.srv.URL, "")
			rules.Route.GroupWait, rules.Route.GroupInterval = 0, 10*time.Millisecond
			dir := t.TempDir()

			h.cutOff()
			want := publishAds(t, c, 0, 20)
			s1 := startStage(t, c, dir, rules)
			<-h.entered
			s1.stop(t, false)
			h.release()

			want = append(want, publishAds(t, c, 20, 30)...)
			s2 := startStage(t, c, dir, rules)
			waitAds(t, h, want)
			s2.stop(t, true)
			wantEachOnce(t, h, want)
			lag, err := c.GroupLag(context.Background(), "lurewatch-alerter", c.Topics().Flagged)
			if err != nil {
				t.Fatal(err)
			}
			if lag != 0 {
				t.Errorf("the alerter's group lags by %d after a clean stop", lag)
			}
		})
	}
}
