package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// A word of a script without spaces finds the ads Bleve's phrase query over
// the same terms finds, with the same scores and the same locations to
// highlight.
func TestTermsAtIsBlevesPhrase(t *testing.T) {
	idx := openDec1(t, Config{BatchSize: 500})
	ctx := context.Background()
	ads := benchAds(2000)
	// A word whose bigrams repeat (นา at offsets 0 and 2), and words that
	// come close: the bigrams in another order, or apart.
	for k, body := range []string{"นานา งาน", "านนา", "นา งาน นา", "นานาชาติ"} {
		ads[k].Body = body
		ads[k].Lang = "th"
	}
	for k := 0; k < len(ads); k += 500 {
		if err := idx.Upsert(ctx, ads[k:k+500]); err != nil {
			t.Fatal(err)
		}
	}
	words := []string{"นานา", "ນາ", "西港高薪", "港高", "เงินเดือน", "ไม่ต้องมีประสบการณ์", "กัมพูชาเงิน"}
	for _, lang := range []string{"th", "km", "lo", "my", "zh"} {
		words = append(words, benchVocab[lang]...)
	}
	for _, w := range words {
		sparse, ok := bigramPhrase("", w, 1).(*termsAtQuery)
		if !ok {
			continue // one term
		}
		t.Run(w, func(t *testing.T) {
			// The same terms as a Bleve phrase, with gaps where bigrams
			// are left out.
			phrase := sparse.phrase()
			want := hitsOf(t, idx, query.NewMultiPhraseQuery(phrase, fieldText))
			got := hitsOf(t, idx, sparse)
			if len(want) == 0 && !strings.HasPrefix(w, "ນາ") {
				t.Fatalf("Bleve's phrase finds nothing: the test is not testing")
			}
			repeats := len(sparse.terms) < len(phrase)-countGaps(phrase)
			if !equalHits(got, want, !repeats) {
				t.Errorf("got %d hits, Bleve's phrase %d:\ngot  %v\nwant %v", len(got), len(want), abbrev(got), abbrev(want))
			}
		})
	}
}

type hitLocs struct {
	id    string
	score float64
	locs  string
}

// hitsOf runs q with locations and returns its hits in id order.
func hitsOf(t *testing.T, idx *Index, q query.Query) []hitLocs {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
	req.IncludeLocations = true
	req.SortBy([]string{"_id"})
	res, err := idx.alias.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	var out []hitLocs
	for _, h := range res.Hits {
		out = append(out, hitLocs{id: h.ID, score: h.Score, locs: locString(h.Locations)})
	}
	return out
}

func locString(m search.FieldTermLocationMap) string {
	var parts []string
	for f, terms := range m {
		for term, ls := range terms {
			for _, l := range ls {
				parts = append(parts, fmt.Sprintf("%s:%s@%d[%d,%d]", f, term, l.Pos, l.Start, l.End))
			}
		}
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	return strings.Join(parts, " ")
}

func equalHits(a, b []hitLocs, scores bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k].id != b[k].id || a[k].locs != b[k].locs {
			return false
		}
		if scores && a[k].score != b[k].score {
			return false
		}
	}
	return true
}

func countGaps(phrase [][]string) int {
	n := 0
	for _, p := range phrase {
		if p[0] == "" {
			n++
		}
	}
	return n
}

func abbrev(hs []hitLocs) []hitLocs {
	if len(hs) > 3 {
		return hs[:3]
	}
	return hs
}

// Under BM25, which termsAtSearcher does not score as, a word is Bleve's
// own phrase.
func TestTermsAtUnderBM25IsBlevesPhrase(t *testing.T) {
	m := newMapping()
	m.ScoringModel = "bm25"
	idx := openDec1(t, Config{}, withMapping(m))
	if err := idx.Upsert(context.Background(), benchAds(500)); err != nil {
		t.Fatal(err)
	}
	q := bigramPhrase("", "ສາມຫຼ່ຽມຄຳ", 1).(*termsAtQuery)
	want := hitsOf(t, idx, query.NewMultiPhraseQuery(q.phrase(), fieldText))
	if got := hitsOf(t, idx, q); len(want) == 0 || !equalHits(got, want, true) {
		t.Errorf("got %d hits, Bleve's phrase %d:\ngot  %v\nwant %v", len(got), len(want), abbrev(got), abbrev(want))
	}
}
