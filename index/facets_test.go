package index

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// The terms facets counted from postings and doc values are Bleve's own
// facets, exactly: over several shards of many segments, with updated ads
// (deleted documents in older segments), ads without a value and ads with a
// value twice, for queries matching every ad, many and a few.
func TestTermFacetsAreBleves(t *testing.T) {
	idx := openDec1(t, Config{BatchSize: 100})
	ctx := context.Background()
	ads := benchAds(3000)
	for i, a := range ads {
		switch {
		case i%7 == 0:
			a.Verdict.Extracted.Places, a.Verdict.Extracted.Countries = nil, nil
		case i%5 == 0:
			a.Verdict.Hits = append(a.Verdict.Hits, a.Verdict.Hits[0])
		}
	}
	for k := 0; k < len(ads); k += 100 {
		if err := idx.Upsert(ctx, ads[k:k+100]); err != nil {
			t.Fatal(err)
		}
	}
	// Tables of segments merged away go once they have been idle long
	// enough; a short time here, so that the test sees it.
	idx.tables.idle = 512
	fields := []string{"country", "level", "rule", "place", "contact", "source", "platform", "lang", "job_type", "category", "week", "salary"}
	queries := []string{"", "telegram", "visa", "sihanoukville typing", "ສາມຫຼ່ຽມຄຳ", "hr_17", "nosuchword"}
	check := func(t *testing.T) {
		for _, text := range queries {
			t.Run(text, func(t *testing.T) {
				q := Query{Text: text, Facets: fields, FacetSize: maxFacetSize, DateField: "posted"}
				res, err := idx.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want := bleveFacets(t, idx, q)
				for _, f := range fields {
					if got := res.Facets[f]; !reflect.DeepEqual(got, want[f]) {
						t.Errorf("facet %s:\ngot  %s\nwant %s", f, facetString(got), facetString(want[f]))
					}
				}
			})
		}
	}
	t.Run("indexed", check)

	// Seen again, a day later and at another level: the first copies are
	// deleted from their segments.
	for k := 0; k < 600; k += 100 {
		again := benchAds(600)[k : k+100]
		for _, a := range again {
			a.FetchedAt = a.FetchedAt.Add(24 * time.Hour)
			a.Verdict.Level = "low"
		}
		if err := idx.Upsert(ctx, again); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(idx.Shards()); n < 3 {
		t.Fatalf("%d shards, want the ads spread over three months", n)
	}

	settle(idx)
	t.Run("updated", check)

	// Only the tables of the segments in use are kept. (A merge finishing
	// meanwhile leaves the tables of its inputs for a while, and on a busy
	// machine merges go on after settle has seen the count stand still: a
	// few tries, each after the segments settle again.)
	var kept, live int
	for try := 0; try < 8 && (try == 0 || kept > live*len(fields)); try++ {
		if try > 0 {
			settle(idx)
		}
		for range 20 {
			if _, err := idx.Search(ctx, Query{Facets: fields, DateField: "posted"}); err != nil {
				t.Fatal(err)
			}
		}
		live = segmentCount(t, idx)
		idx.tables.mu.Lock()
		kept = len(idx.tables.tables)
		idx.tables.mu.Unlock()
	}
	if kept > live*len(fields) {
		t.Errorf("%d value tables kept for %d segments of %d fields", kept, live, len(fields))
	}
}

// openDec1 opens an index in a fresh directory whose clock stands at
// 1 December 2026, and closes it when the test ends.
func openDec1(t *testing.T, cfg Config, opts ...Option) *Index {
	t.Helper()
	cfg.Dir = t.TempDir()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	idx, err := Open(cfg, append(opts, WithClock(func() time.Time { return now }))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

// segmentCount is the number of segments the index's shards search.
func segmentCount(t *testing.T, idx *Index) int {
	t.Helper()
	n := 0
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	for _, s := range idx.shards {
		in, err := s.idx.Advanced()
		if err != nil {
			t.Fatal(err)
		}
		r, err := in.Reader()
		if err != nil {
			t.Fatal(err)
		}
		n += len(r.(*scorch.IndexSnapshot).Segments())
		r.Close()
	}
	return n
}

// bleveFacets counts the facets of q with Bleve's facet builders, every
// term of every shard, trimmed as Search trims them.
func bleveFacets(t *testing.T, idx *Index, q Query) map[string]*Facet {
	t.Helper()
	bq, _, err := q.build()
	if err != nil {
		t.Fatal(err)
	}
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	weeks := q.weeks(idx.now())
	for _, f := range q.Facets {
		switch f {
		case "week":
			fr := bleve.NewFacetRequest(dateFields[q.DateField], len(weeks))
			for _, w := range weeks {
				fr.AddDateTimeRange(w.Format(time.DateOnly), w, w.AddDate(0, 0, 7))
			}
			req.AddFacet(f, fr)
		case "salary":
			fr := bleve.NewFacetRequest(fieldSalary, len(salaryBands))
			for _, b := range salaryBands {
				var min, max *float64
				if b.min > 0 {
					min = &b.min
				}
				if b.max > 0 {
					max = &b.max
				}
				fr.AddNumericRange(b.name, min, max)
			}
			req.AddFacet(f, fr)
		default:
			req.AddFacet(f, bleve.NewFacetRequest(f, 1_000_000))
		}
	}
	res, err := idx.alias.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Facet{}
	for _, f := range q.Facets {
		fr := res.Facets[f]
		out[f] = &Facet{Field: f, Total: fr.Total, Missing: fr.Missing, Other: fr.Total}
		switch f {
		case "week":
			counts := map[string]int{}
			for _, r := range fr.DateRanges {
				counts[r.Name] = r.Count
			}
			for _, w := range weeks {
				name := w.Format(time.DateOnly)
				out[f].Ranges = append(out[f].Ranges, Range{Name: name, From: w.Format(time.RFC3339), To: w.AddDate(0, 0, 7).Format(time.RFC3339), Count: counts[name]})
			}
			out[f].Other = fr.Other
			continue
		case "salary":
			counts := map[string]int{}
			for _, r := range fr.NumericRanges {
				counts[r.Name] = r.Count
			}
			for _, b := range salaryBands {
				r := Range{Name: b.name, Count: counts[b.name]}
				if b.min > 0 {
					r.From = b.min
				}
				if b.max > 0 {
					r.To = b.max
				}
				out[f].Ranges = append(out[f].Ranges, r)
			}
			out[f].Other = fr.Other
			continue
		}
		for _, tf := range fr.Terms.Terms() {
			out[f].Terms = append(out[f].Terms, TermCount{Term: tf.Term, Count: tf.Count})
		}
		terms := out[f].Terms
		sort.Slice(terms, func(a, b int) bool {
			if terms[a].Count != terms[b].Count {
				return terms[a].Count > terms[b].Count
			}
			return terms[a].Term < terms[b].Term
		})
		if len(terms) > maxFacetSize {
			out[f].Terms = terms[:maxFacetSize]
		}
		for _, tc := range out[f].Terms {
			out[f].Other -= tc.Count
		}
	}
	return out
}

func facetString(f *Facet) string {
	if f == nil {
		return "nil"
	}
	return fmt.Sprintf("total %d missing %d other %d %v %v", f.Total, f.Missing, f.Other, f.Terms, f.Ranges)
}
