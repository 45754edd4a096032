package alert

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d", prefix, i)
	}
	return out
}

func adsOf(idList []string) []*ad.Flagged {
	out := make([]*ad.Flagged, len(idList))
	for i, id := range idList {
		out[i] = flagged(id, nil)
	}
	return out
}

func wantEachOnce(t *testing.T, h *hook, want []string) {
	t.Helper()
	got := h.ads()
	for _, id := range want {
		if got[id] != 1 {
			t.Errorf("ad %s arrived in %d deliveries, want exactly 1", id, got[id])
		}
	}
	if len(got) != len(want) {
		t.Errorf("receiver got %d distinct ads, want %d: %v", len(got), len(want), got)
	}
}

func TestGroupWaitAndInterval(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock)
	defer a.close(t)

	a.accept(t, flagged("a1", nil), flagged("a2", nil))
	a.stepOK(t)
	clock.Add(29 * time.Second)
	a.stepOK(t)
	if n := len(h.received()); n != 0 {
		t.Fatalf("%d ads sent before group_wait passed", n)
	}
	clock.Add(time.Second)
	a.stepOK(t)
	if got := h.received(); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Fatalf("after group_wait the receiver has %v, want [a1 a2] in one notification", got)
	}
	// The next ad waits for group_interval after the last notification.
	clock.Add(time.Minute)
	a.accept(t, flagged("a3", nil))
	clock.Add(3 * time.Minute)
	a.stepOK(t)
	if n := len(h.received()); n != 2 {
		t.Fatalf("a3 went out %v after the last notification; group_interval is 5m", 4*time.Minute)
	}
	clock.Add(time.Minute)
	a.stepOK(t)
	if got := h.received(); !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Fatalf("receiver has %v, want a3 after group_interval", got)
	}
	if len(h.payloads) != 2 {
		t.Errorf("%d notifications, want 2", len(h.payloads))
	}
	// A group idle for longer than group_interval starts over with group_wait.
	clock.Add(time.Hour)
	a.accept(t, flagged("a4", nil))
	clock.Add(30 * time.Second)
	a.stepOK(t)
	wantEachOnce(t, h, []string{"a1", "a2", "a3", "a4"})
}

// Kafka delivers a batch again when the offsets were not committed (a
// crash after Accept): nothing may reach the receiver twice.
func TestRedeliveredAdsAreNotSentAgain(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock)
	defer a.close(t)
	batch := adsOf(ids("r", 5))
	a.accept(t, batch...)
	clock.Add(time.Minute)
	a.stepOK(t)
	a.accept(t, batch...)
	clock.Add(time.Hour)
	a.stepOK(t)
	a.accept(t, batch[2])
	clock.Add(time.Hour)
	a.stepOK(t)
	wantEachOnce(t, h, ids("r", 5))
	if got := gauge(t, a.metrics.suppressed.WithLabelValues("office", SuppressDuplicate)); got != 6 {
		t.Errorf("duplicates counted = %v, want 6", got)
	}
}

// The alerter stops while a notification is on the wire; the receiver never
// answers it. After the restart (and Kafka's redelivery of the batch, whose
// offsets were not committed), everything arrives, once.
func TestRestartMidDeliveryLosesAndDuplicatesNothing(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	dir := t.TempDir()
	rules := hookRules(t, h.srv.URL, "")
	first := ids("m", 6)

	a := newTestAlerter(t, dir, rules, clock)
	a.accept(t, adsOf(first)...)
	clock.Add(time.Minute)
	h.cutOff()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- a.Run(ctx) }()
	<-h.entered // the notification is on the wire
	cancel()
	cut, stop := context.WithCancel(context.Background())
	stop() // no grace: cut the send off, as a crash would
	if err := a.Close(cut); err != nil {
		t.Fatal(err)
	}
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}
	h.release()
	if n := len(h.received()); n != 0 {
		t.Fatalf("the cut-off delivery was recorded (%d ads); the test did not cut it", n)
	}

	b := newTestAlerter(t, dir, rules, clock)
	defer b.close(t)
	more := ids("n", 3)
	b.accept(t, adsOf(first)...) // redelivered by Kafka
	b.accept(t, adsOf(more)...)
	for range 10 {
		clock.Add(time.Minute)
		b.stepOK(t)
	}
	wantEachOnce(t, h, append(first, more...))
	for id, n := range h.copies {
		if n != 1 {
			t.Errorf("delivery %s accepted %d times", id, n)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.requests <= len(h.copies) {
		t.Errorf("%d requests for %d deliveries: the cut-off one was never sent again", h.requests, len(h.copies))
	}
}

// A receiver that is down for an hour is reported after max_failures
// attempts, its alerts wait, and it gets every one of them, once and in
// order, when it is back.
func TestReceiverDownForAnHourGetsEverythingOnce(t *testing.T) {
	h := newHook(t, "s3cret")
	h.setStatus(http.StatusServiceUnavailable)
	clock := newFakeClock()
	var logs syncBuffer
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	defer a.close(t)

	var want []string
	for i := range 60 {
		id := fmt.Sprintf("d%02d", i)
		want = append(want, id)
		a.accept(t, flagged(id, nil))
		clock.Add(time.Minute)
		a.stepOK(t)
	}
	if got := h.received(); len(got) != 0 {
		t.Fatalf("a down receiver accepted %v", got)
	}
	if up := gauge(t, a.metrics.up.WithLabelValues("office", "webhook")); up != 0 {
		t.Errorf("receiver_up = %v after an hour of failures, want 0", up)
	}
	if f := gauge(t, a.metrics.failures.WithLabelValues("office", "webhook")); f < 3 {
		t.Errorf("receiver_failures = %v, want at least max_failures (3)", f)
	}
	if n := gauge(t, a.metrics.failed.WithLabelValues("office", "webhook", ReasonStatus5xx)); n < 3 {
		t.Errorf("failed_total{reason=status_5xx} = %v", n)
	}
	if n := gauge(t, a.metrics.outbox.WithLabelValues("office")); n == 0 {
		t.Error("outbox gauge is 0 while the receiver is down")
	}
	if n := strings.Count(logs.String(), "receiver is down"); n != 1 {
		t.Errorf("the log says the receiver is down %d times, want once:\n%s", n, logs.String())
	}
	st, err := a.Status()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Integrations) != 1 || st.Integrations[0].Up || st.Integrations[0].Waiting == 0 {
		t.Errorf("status while down = %+v", st.Integrations)
	}

	h.setStatus(0)
	for range 10 {
		clock.Add(2 * time.Minute)
		a.stepOK(t)
	}
	wantEachOnce(t, h, want)
	if got := h.received(); !slices.Equal(got, want) {
		t.Errorf("arrival order %v, want %v", got, want)
	}
	if up := gauge(t, a.metrics.up.WithLabelValues("office", "webhook")); up != 1 {
		t.Errorf("receiver_up = %v after recovery, want 1", up)
	}
	if !strings.Contains(logs.String(), "receiver is back") {
		t.Error("the log does not say the receiver is back")
	}
	if n := gauge(t, a.metrics.outbox.WithLabelValues("office")); n != 0 {
		t.Errorf("outbox gauge = %v after recovery, want 0", n)
	}
}

// A refusal (4xx) is not retried quickly, but the notification is kept
// until the receiver accepts it.
func TestRefusedNotificationWaits(t *testing.T) {
	h := newHook(t, "s3cret")
	h.setStatus(http.StatusBadRequest)
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock)
	defer a.close(t)
	a.accept(t, flagged("x1", nil))
	clock.Add(time.Minute)
	a.stepOK(t)
	st, err := a.Status()
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Integrations[0]; got.Waiting != 1 || got.LastReason != ReasonStatus4xx {
		t.Fatalf("after a refusal the status is %+v, want 1 waiting with reason %s", got, ReasonStatus4xx)
	}
	h.setStatus(0)
	clock.Add(10 * time.Second)
	a.stepOK(t)
	if len(h.received()) != 0 {
		t.Fatal("a refused notification was retried at once")
	}
	clock.Add(2 * time.Minute)
	a.stepOK(t)
	wantEachOnce(t, h, []string{"x1"})
}
