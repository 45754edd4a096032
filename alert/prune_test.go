package alert

import (
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func TestPruneThreads(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock)
	defer a.close(t)
	a.accept(t, flagged("old", nil))
	clock.Add(6 * 24 * time.Hour)
	a.accept(t, flagged("recent", nil))
	clock.Add(2 * 24 * time.Hour) // old is 8 days old, recent 2; the window is 7
	a.stepOK(t)
	count := func(b []byte) (n int) {
		a.store.view(func(t *tx) error { return t.b(b).ForEach(func(_, _ []byte) error { n++; return nil }) })
		return n
	}
	if n := count(bucketThreads); n != 1 {
		t.Errorf("%d threads left, want 1", n)
	}
	if n := count(bucketThreadBy); n != 2 { // recent's handle and text
		t.Errorf("%d thread keys left, want 2", n)
	}
	if n := count(bucketSeen); n != 2 {
		t.Errorf("%d seen records, want both kept", n)
	}
	// The old ad still never goes twice; its repost is a new thread.
	a.accept(t, flagged("old", nil), flagged("old-repost", func(f *ad.Flagged) {
		f.Verdict.Extracted.Contacts = []ad.Contact{{Kind: "telegram", Value: "@hr_old"}}
	}))
	clock.Add(time.Hour)
	a.stepOK(t)
	wantEachOnce(t, h, []string{"old", "recent", "old-repost"})
}
