package index_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/index/indextest"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

func fixture(t *testing.T, id string) *ad.Flagged {
	t.Helper()
	for _, f := range indextest.Fixtures() {
		if f.ID == id {
			return f.Flagged()
		}
	}
	t.Fatalf("no fixture %s", id)
	return nil
}

// sighting is ad f fetched again at the given time.
func sighting(f *ad.Flagged, at time.Time) *ad.Flagged {
	c := *f
	c.FetchedAt = at
	c.Verdict.ClassifiedAt = at.Add(time.Second)
	return &c
}

func get(t *testing.T, idx *index.Index, id string) *index.Doc {
	t.Helper()
	d, err := idx.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return d
}

func count(t *testing.T, idx *index.Index) uint64 {
	t.Helper()
	n, err := idx.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func upsert(t *testing.T, idx *index.Index, ads ...*ad.Flagged) {
	t.Helper()
	if err := idx.Upsert(context.Background(), ads); err != nil {
		t.Fatal(err)
	}
}

func TestUpsertKeepsSightings(t *testing.T) {
	idx := indextest.Open(t, nil)
	a := fixture(t, "en-1")
	t0 := a.FetchedAt
	upsert(t, idx, a)
	upsert(t, idx, a) // redelivered: nothing changes
	d := get(t, idx, a.ID)
	if d.TimesSeen != 1 || !d.FirstSeen.Equal(t0) || !d.LastSeen.Equal(t0) {
		t.Fatalf("after a redelivery: seen %d, first %v, last %v", d.TimesSeen, d.FirstSeen, d.LastSeen)
	}

	later := sighting(a, t0.Add(48*time.Hour))
	later.Verdict.Level = ad.LevelCritical
	earlier := sighting(a, t0.Add(-24*time.Hour))
	earlier.Verdict.Level = ad.LevelLow
	// One batch, with the same ad three times, out of order.
	upsert(t, idx, later, earlier, later)
	d = get(t, idx, a.ID)
	if d.TimesSeen != 3 || !d.FirstSeen.Equal(earlier.FetchedAt) || !d.LastSeen.Equal(later.FetchedAt) {
		t.Errorf("seen %d, first %v, last %v", d.TimesSeen, d.FirstSeen, d.LastSeen)
	}
	if d.Verdict.Level != ad.LevelCritical {
		t.Errorf("kept verdict %s, want the latest (critical)", d.Verdict.Level)
	}
	// Reclassified under new rules, same fetch: the new verdict wins.
	re := sighting(a, later.FetchedAt)
	re.Verdict.Level = ad.LevelMedium
	re.Verdict.ClassifiedAt = later.Verdict.ClassifiedAt.Add(time.Hour)
	upsert(t, idx, re)
	if d := get(t, idx, a.ID); d.Verdict.Level != ad.LevelMedium || d.TimesSeen != 3 {
		t.Errorf("after reclassifying: level %s, seen %d", d.Verdict.Level, d.TimesSeen)
	}
	if n := count(t, idx); n != 1 {
		t.Errorf("%d docs, want 1", n)
	}
	res := search(t, idx, index.Query{Text: "level:medium"})
	if res.Total != 1 {
		t.Errorf("the index answers from an old verdict: %d hits for level:medium", res.Total)
	}
}

func TestShardsByMonthAndFoundInAnyShard(t *testing.T) {
	dir := t.TempDir()
	now := day("2026-11-20")
	idx, err := index.Open(index.Config{Dir: dir}, index.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	oct := fixture(t, "en-1") // posted 2026-10-05
	upsert(t, idx, indextest.Ads()...)
	if got := strings.Join(idx.Shards(), ","); got != "2026-10,2026-11" {
		t.Fatalf("shards %s", got)
	}
	// Reposted with a November date: still the October shard's ad.
	re := sighting(oct, day("2026-11-15"))
	re.PostedAt = day("2026-11-15")
	upsert(t, idx, re)
	if n := count(t, idx); n != uint64(len(indextest.Fixtures())) {
		t.Errorf("%d docs after a repost, want %d", n, len(indextest.Fixtures()))
	}
	if d := get(t, idx, oct.ID); d.TimesSeen != 2 {
		t.Errorf("repost seen %d times", d.TimesSeen)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	// Everything is there after reopening.
	idx, err = index.Open(index.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if n := count(t, idx); n != uint64(len(indextest.Fixtures())) {
		t.Errorf("%d docs after reopening", n)
	}
	res := search(t, idx, index.Query{Text: "Sihanoukville", Facets: []string{"source"}})
	if got := strings.Join(ids(res), ","); got != "en-3,en-1" && got != "en-1,en-3" {
		t.Errorf("search across the October and November shards found %s", got)
	}
}

func TestRetentionDropsOldMonthsButKeepsAdsStillSeen(t *testing.T) {
	dir := t.TempDir()
	clock := day("2026-10-20")
	now := func() time.Time { return clock }
	cfg := index.Config{Dir: dir, RetentionMonths: 2}
	idx, err := index.Open(cfg, index.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	gone := fixture(t, "en-1") // posted and seen in October only
	kept := fixture(t, "th-1")
	kept.PostedAt, kept.FetchedAt = day("2026-10-06"), day("2026-10-06")
	ancient := fixture(t, "zh-2")
	ancient.PostedAt = day("2026-01-02") // before the window: filed under the current month
	ancient.FetchedAt = day("2026-10-07")
	upsert(t, idx, gone, kept, ancient)
	if got := strings.Join(idx.Shards(), ","); got != "2026-10" {
		t.Fatalf("shards %s", got)
	}
	clock = day("2026-11-25")
	upsert(t, idx, sighting(kept, day("2026-11-24")))
	idx.Close()

	clock = day("2026-12-03") // window: November and December
	idx, err = index.Open(cfg, index.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if got := strings.Join(idx.Shards(), ","); got != "2026-12" {
		t.Errorf("shards %s, want only the current month", got)
	}
	if _, err := idx.Get(context.Background(), gone.ID); err != index.ErrNotFound {
		t.Errorf("expired ad: %v", err)
	}
	if _, err := idx.Get(context.Background(), ancient.ID); err != index.ErrNotFound {
		t.Errorf("expired ad: %v", err)
	}
	d := get(t, idx, kept.ID)
	if !d.FirstSeen.Equal(day("2026-10-06")) || d.TimesSeen != 2 {
		t.Errorf("moved ad lost its history: first %v, seen %d", d.FirstSeen, d.TimesSeen)
	}
	if n := count(t, idx); n != 1 {
		t.Errorf("%d docs, want 1", n)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "shards")); len(entries) != 1 {
		t.Errorf("%d shard directories left on disk", len(entries))
	}
}

func TestReindexOnMappingChange(t *testing.T) {
	dir := t.TempDir()
	cfg := index.Config{Dir: dir}
	old, err := index.Open(cfg, index.WithStandardMapping())
	if err != nil {
		t.Fatal(err)
	}
	upsert(t, old, indextest.Ads()...)
	// The reason for the mapping: Bleve's standard analyzer finds no Thai,
	// Khmer or Burmese word.
	for _, w := range []string{"กัมพูชา", "ព្រះសីហនុ", "မြဝတီ"} {
		if res := search(t, old, index.Query{Text: w}); res.Total != 0 {
			t.Fatalf("the standard mapping found %q: the test no longer shows a change", w)
		}
	}
	old.Close()

	// A half-done reindex left a directory behind; it must go.
	stale := filepath.Join(dir, "shards", "2026-11.deadbeef")
	if err := os.MkdirAll(stale, 0o750); err != nil {
		t.Fatal(err)
	}
	idx, err := index.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if n := count(t, idx); n != uint64(len(indextest.Fixtures())) {
		t.Fatalf("%d docs after reindexing, want %d", n, len(indextest.Fixtures()))
	}
	for w, id := range map[string]string{"กัมพูชา": "th-1", "ព្រះសីហនុ": "km-1", "မြဝတီ": "my-1"} {
		if got := ids(search(t, idx, index.Query{Text: w})); len(got) != 1 || got[0] != id {
			t.Errorf("after reindexing %q found %v", w, got)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("leftover shard directory still there: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "alias.json"))
	if err != nil {
		t.Fatal(err)
	}
	var alias struct {
		Shards []struct{ Month, Path, Mapping string }
	}
	if err := json.Unmarshal(data, &alias); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "shards"))
	if len(alias.Shards) != 2 || len(entries) != 2 {
		t.Fatalf("alias %s, %d shard directories", data, len(entries))
	}
	for _, s := range alias.Shards {
		if !strings.HasSuffix(s.Path, "."+s.Mapping) {
			t.Errorf("shard %s is not under its mapping %s", s.Path, s.Mapping)
		}
	}
}
