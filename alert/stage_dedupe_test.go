package alert

import (
	"slices"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Reposts sharing a contact handle (written differently) or the text of
// an alerted ad are folded into its thread: one new alert, then "seen
// again in N new ads", not N alerts.
func TestDedupeFoldsRepostsIntoThread(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock)
	defer a.close(t)

	orig := flagged("orig", func(f *ad.Flagged) {
		f.Verdict.Extracted.Contacts = []ad.Contact{{Kind: "whatsapp", Value: "+62 812-3456-7890"}}
	})
	a.accept(t, orig)
	clock.Add(time.Minute)
	a.stepOK(t)

	sameNumber := flagged("repost-number", func(f *ad.Flagged) {
		f.Title = "Different words, same recruiter"
		f.Verdict.Extracted.Contacts = []ad.Contact{{Kind: "whatsapp", Value: "+6281234567890"}}
	})
	sameText := flagged("repost-text", func(f *ad.Flagged) {
		*f = *flagged("repost-text", nil)
		f.Raw.Title, f.Raw.Body, f.Raw.Location, f.Raw.Salary, f.Raw.Contacts = orig.Title, orig.Body, orig.Location, orig.Salary, orig.Contacts
		f.Verdict.Extracted.Contacts = []ad.Contact{{Kind: "telegram", Value: "@someone_else"}}
	})
	chained := flagged("chained", func(f *ad.Flagged) {
		// Shares nothing with the original, but the handle of a repost.
		f.Verdict.Extracted.Contacts = []ad.Contact{{Kind: "telegram", Value: "@Someone_Else"}}
	})
	fresh := flagged("fresh", nil)
	a.accept(t, sameNumber, sameText, chained, fresh)
	clock.Add(6 * time.Minute)
	a.stepOK(t)
	// The new ad goes out after group_interval; the reposts wait for the
	// thread's repeat_interval (1h) since the original went out.
	if got := h.received(); !slices.Equal(got, []string{"orig", "fresh"}) {
		t.Fatalf("after group_interval the receiver has %v, want [orig fresh]", got)
	}
	clock.Add(50 * time.Minute)
	a.stepOK(t)
	if len(h.payloads) != 2 {
		t.Fatalf("reposts went out before repeat_interval")
	}
	clock.Add(5 * time.Minute)
	a.stepOK(t)
	if len(h.payloads) != 3 {
		t.Fatalf("%d notifications, want 3", len(h.payloads))
	}
	third := h.payloads[2]
	var folded, news []string
	for _, it := range third.Ads {
		if it.Thread != "" {
			if it.Thread != "orig" {
				t.Errorf("%s folded into %s, want orig", it.AdID, it.Thread)
			}
			folded = append(folded, it.AdID)
		} else {
			news = append(news, it.AdID)
		}
	}
	if !slices.Equal(folded, []string{"repost-number", "repost-text", "chained"}) || len(news) != 0 {
		t.Errorf("folded %v and new %v", folded, news)
	}
	if !containsAll(third.Subject, "3 reposts") || !containsAll(third.Text, "Seen again in 3 new ads", "same contact: whatsapp +6281234567890", "same text", "http://ui.test/ads/orig") {
		t.Errorf("message does not show the thread:\n%s\n%s", third.Subject, third.Text)
	}
	if got := gauge(t, a.metrics.suppressed.WithLabelValues("office", SuppressFolded)); got != 3 {
		t.Errorf("folded = %v, want 3", got)
	}
}

// Past the fold window, a repost starts a thread of its own.
func TestDedupeWindow(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock)
	defer a.close(t)
	a.accept(t, flagged("w1", nil))
	clock.Add(8 * 24 * time.Hour) // the window is 7 days
	again := flagged("w2", func(f *ad.Flagged) { f.Verdict.Extracted.Contacts = []ad.Contact{{Kind: "telegram", Value: "@hr_w1"}} })
	a.accept(t, again)
	clock.Add(time.Minute)
	a.stepOK(t)
	for _, p := range h.payloads {
		for _, it := range p.Ads {
			if it.Thread != "" {
				t.Errorf("%s folded into %s after the window", it.AdID, it.Thread)
			}
		}
	}
	wantEachOnce(t, h, []string{"w1", "w2"})
}

func TestNormContact(t *testing.T) {
	for in, want := range map[string]string{
		"+62 812-3456-7890": "+6281234567890",
		"@GoldenBay_HR":     "@goldenbay_hr",
		"(+63) 917.555.01":  "+6391755501",
	} {
		if got := normContact(in); got != want {
			t.Errorf("normContact(%q) = %q, want %q", in, got, want)
		}
	}
}
