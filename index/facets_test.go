package index

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// The terms facets counted from postings and doc values are Bleve's own
// facets, exactly: over several shards of many segments, with updated ads
// (deleted documents in older segments), ads without a value and ads with a
// value twice, for queries matching every ad, many and a few.
func TestTermFacetsAreBleves(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	idx, err := Open(Config{Dir: t.TempDir(), BatchSize: 100}, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
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

	fields := []string{"country", "level", "rule", "place", "contact", "source", "platform", "lang", "job_type", "category"}
	for _, text := range []string{"", "telegram", "visa", "sihanoukville typing", "ສາມຫຼ່ຽມຄຳ", "hr_17", "nosuchword"} {
		t.Run(text, func(t *testing.T) {
			res, err := idx.Search(ctx, Query{Text: text, Facets: fields, FacetSize: maxFacetSize})
			if err != nil {
				t.Fatal(err)
			}
			want := bleveFacets(t, idx, Query{Text: text}, fields)
			for _, f := range fields {
				if got := res.Facets[f]; !reflect.DeepEqual(got, want[f]) {
					t.Errorf("facet %s:\ngot  %s\nwant %s", f, facetString(got), facetString(want[f]))
				}
			}
		})
	}
}

// bleveFacets counts the facets of q with Bleve's facet builders, every
// term of every shard, trimmed as Search trims them.
func bleveFacets(t *testing.T, idx *Index, q Query, fields []string) map[string]*Facet {
	t.Helper()
	bq, _, err := q.build()
	if err != nil {
		t.Fatal(err)
	}
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	for _, f := range fields {
		req.AddFacet(f, bleve.NewFacetRequest(f, 1_000_000))
	}
	res, err := idx.alias.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Facet{}
	for _, f := range fields {
		fr := res.Facets[f]
		out[f] = &Facet{Field: f, Total: fr.Total, Missing: fr.Missing, Other: fr.Total}
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
	return fmt.Sprintf("total %d missing %d other %d %v", f.Total, f.Missing, f.Other, f.Terms)
}
