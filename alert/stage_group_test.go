package alert

import (
	"slices"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// group_by splits a route's ads into separate notifications.
func TestGroupBy(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, "  group_by: [nationality]"), clock)
	defer a.close(t)
	ph := func(f *ad.Flagged) { f.Verdict.Extracted.Nationalities = []string{"PH"} }
	a.accept(t, flagged("g1", nil), flagged("g2", ph), flagged("g3", nil))
	clock.Add(time.Minute)
	a.stepOK(t)
	groups := map[string][]string{}
	for _, p := range h.payloads {
		for _, it := range p.Ads {
			groups[p.Group] = append(groups[p.Group], it.AdID)
		}
	}
	if !slices.Equal(groups["nationality=id"], []string{"g1", "g3"}) || !slices.Equal(groups["nationality=ph"], []string{"g2"}) {
		t.Errorf("groups = %v", groups)
	}
}

// A daily digest goes out at digest_at in the receiver's zone, with every
// ad of the day, evidence and links.
func TestDailyDigest(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock() // 2026-03-02 09:00 UTC, 16:00 in Jakarta
	t.Setenv("TEST_HOOK_SECRET", "s3cret")
	rules, err := ParseRules("digest", []byte(`
receivers:
  - name: office
    language: id
    timezone: Asia/Jakarta
    webhook: {url: "`+h.srv.URL+`", secret_env: TEST_HOOK_SECRET}
route:
  receiver: office
  digest: daily
  digest_at: "08:00"
`))
	if err != nil {
		t.Fatal(err)
	}
	a := newTestAlerter(t, t.TempDir(), rules, clock)
	defer a.close(t)
	for i, id := range []string{"dg1", "dg2", "dg3"} {
		a.accept(t, flagged(id, nil))
		clock.Add(time.Duration(i+1) * time.Hour)
		a.stepOK(t)
	}
	// Now 15:00 UTC, 22:00 in Jakarta: nothing before 08:00 there, which
	// is 01:00 UTC on the 3rd.
	clock.Set(time.Date(2026, 3, 3, 0, 59, 0, 0, time.UTC))
	a.stepOK(t)
	if n := len(h.received()); n != 0 {
		t.Fatalf("%d ads sent before the digest time", n)
	}
	clock.Set(time.Date(2026, 3, 3, 1, 0, 0, 0, time.UTC))
	a.stepOK(t)
	if len(h.payloads) != 1 {
		t.Fatalf("%d notifications at digest time, want 1", len(h.payloads))
	}
	p := h.payloads[0]
	if p.Digest != "daily" || !slices.Equal(h.received(), []string{"dg1", "dg2", "dg3"}) {
		t.Errorf("digest %q with %v", p.Digest, h.received())
	}
	if !containsAll(p.Subject, "Ringkasan harian: 3 iklan") || !containsAll(p.Text, "Alasan ditandai", "[Sihanoukville]", "Buka di lurewatch: http://ui.test/ads/dg2") {
		t.Errorf("digest in Indonesian lacks evidence or links:\n%s\n%s", p.Subject, p.Text)
	}
}

func TestHourlyDigest(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	clock.Add(10 * time.Minute) // 09:10
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, "  digest: hourly"), clock)
	defer a.close(t)
	a.accept(t, flagged("h1", nil))
	clock.Add(49 * time.Minute)
	a.stepOK(t)
	if len(h.payloads) != 0 {
		t.Fatal("hourly digest went out before the hour")
	}
	clock.Add(time.Minute) // 10:00
	a.stepOK(t)
	if len(h.payloads) != 1 || h.payloads[0].Digest != "hourly" || !containsAll(h.payloads[0].Subject, "Hourly digest: 1") {
		t.Fatalf("payloads at 10:00: %+v", h.payloads)
	}
}

// Quiet hours hold notifications in the receiver's night and send them
// together when it ends.
func TestQuietHoursHoldThenSend(t *testing.T) {
	h := newHook(t, "s3cret")
	t.Setenv("TEST_HOOK_SECRET", "s3cret")
	rules, err := ParseRules("quiet", []byte(`
receivers:
  - name: office
    timezone: Asia/Manila
    quiet_hours: {start: "22:00", end: "07:00"}
    webhook: {url: "`+h.srv.URL+`", secret_env: TEST_HOOK_SECRET}
route:
  receiver: office
  group_wait: 30s
`))
	if err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock()
	clock.Set(time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)) // 23:00 in Manila
	a := newTestAlerter(t, t.TempDir(), rules, clock)
	defer a.close(t)
	a.accept(t, flagged("q1", nil))
	for range 7 {
		clock.Add(time.Hour)
		a.accept(t, flagged("q"+clock.Now().Format("15"), nil))
		a.stepOK(t)
	}
	if n := len(h.received()); n != 0 {
		t.Fatalf("%d ads sent in quiet hours", n)
	}
	if n := gauge(t, a.metrics.pending.WithLabelValues("office")); n != 8 {
		t.Errorf("pending ads = %v, want 8", n)
	}
	clock.Set(time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC)) // 07:00 in Manila
	a.stepOK(t)
	if len(h.payloads) != 1 || len(h.received()) != 8 {
		t.Errorf("at the end of quiet hours: %d notifications with %d ads, want 1 with 8", len(h.payloads), len(h.received()))
	}
}

// Reposts held back by repeat_interval do not hold back a new ad.
func TestHeldRepostsDoNotDelayNewAds(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock)
	defer a.close(t)
	a.accept(t, flagged("first", nil))
	clock.Add(time.Minute)
	a.stepOK(t) // first goes out; its thread was reported now
	repost := flagged("repost", func(f *ad.Flagged) {
		f.Verdict.Extracted.Contacts = []ad.Contact{{Kind: "telegram", Value: "@hr_first"}}
	})
	a.accept(t, repost)
	clock.Add(6 * time.Minute)
	a.stepOK(t) // the repost is held until an hour after the first alert
	a.accept(t, flagged("second", nil))
	clock.Add(6 * time.Minute)
	a.stepOK(t)
	if got := h.received(); !slices.Equal(got, []string{"first", "second"}) {
		t.Errorf("receiver has %v, want [first second] while the repost waits", got)
	}
	clock.Add(time.Hour)
	a.stepOK(t)
	wantEachOnce(t, h, []string{"first", "second", "repost"})
}
