package index

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// An index from before shards (one Bleve index, each ad's JSON in its
// internal storage) is imported into shards when opened, and removed.
func TestImportsTheUnshardedIndex(t *testing.T) {
	dir := t.TempDir()
	old, err := bleve.New(dir+"/tmp", bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)
	for k, id := range []string{"a", "b", "c"} {
		r := ad.Raw{ID: id, Source: "old", FetchedAt: first.AddDate(0, k, 0), Title: "Typist wanted in Bavet " + id}
		r.Seal()
		d := Doc{Flagged: ad.Flagged{Raw: r, Verdict: ad.Verdict{Level: ad.LevelHigh}}, FirstSeen: r.FetchedAt, LastSeen: r.FetchedAt.Add(time.Hour), TimesSeen: 2}
		data, _ := json.Marshal(d)
		if err := old.Index(id, map[string]any{"title": r.Title}); err != nil {
			t.Fatal(err)
		}
		if err := old.SetInternal([]byte("doc:"+id), data); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	// The unsharded index lived in the index directory itself.
	for _, name := range []string{"index_meta.json", "store"} {
		if err := os.Rename(filepath.Join(dir, "tmp", name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(dir, "tmp"))

	idx, err := Open(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if n, _ := idx.Count(); n != 3 {
		t.Fatalf("%d ads imported, want 3", n)
	}
	d, err := idx.Get(context.Background(), "b")
	if err != nil || d.TimesSeen != 2 || !d.FirstSeen.Equal(first.AddDate(0, 1, 0)) {
		t.Fatalf("imported ad: %+v, %v", d, err)
	}
	if got := idx.Shards(); len(got) != 3 {
		t.Errorf("shards %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); !os.IsNotExist(err) {
		t.Errorf("the unsharded index is still there: %v", err)
	}
	res, err := idx.Search(context.Background(), Query{Text: "bavet", Size: 10})
	if err != nil || res.Total != 3 {
		t.Errorf("search after import: %v, %v", res, err)
	}
}
