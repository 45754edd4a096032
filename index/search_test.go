package index_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/index/indextest"
)

func ids(res *index.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func search(t *testing.T, idx *index.Index, q index.Query) *index.Result {
	t.Helper()
	if q.Size == 0 {
		q.Size = 50
	}
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

// Every language is found by a word from its ad's text, and only the ads
// holding that word are: th, km, lo and my have no spaces between words and
// give no tokens at all under Bleve's standard analyzer.
func TestEveryLanguageIsFoundByAWordOfItsText(t *testing.T) {
	idx := indextest.Open(t, indextest.Ads())
	for _, tc := range []struct {
		lang, word string
		want       []string
	}{
		{"th", "กัมพูชา", []string{"th-1"}},
		{"th", "ประสบการณ์", []string{"th-1", "th-2"}},
		{"th", "สีหนุวิลล์", []string{"th-1"}},
		{"km", "ព្រះសីហនុ", []string{"km-1"}},
		{"km", "បទពិសោធន៍", []string{"km-1"}},
		{"lo", "ສາມຫຼ່ຽມຄຳ", []string{"lo-1"}},
		{"lo", "ປະສົບການ", []string{"lo-1"}},
		{"my", "မြဝတီ", []string{"my-1"}},
		{"my", "အခမဲ့", []string{"my-1"}},
		{"zh", "西港", []string{"zh-1"}},
		{"zh", "柬埔寨", []string{"zh-1"}},
		{"zh", "会计", []string{"zh-2"}},
		{"id", "Kamboja", []string{"id-1"}},
		{"id", "butuh", []string{"id-1", "id-2"}}, // dibutuhkan, membutuhkan: the stemmed field
		{"vi", "Campuchia", []string{"vi-1"}},
		{"vi", "luong", []string{"vi-1"}}, // lương, typed without accents
		{"tl", "sahod", []string{"tl-1"}},
		{"ms", "Kemboja", []string{"ms-1"}},
		{"ms", "percuma", []string{"ms-1"}},
		{"en", "passport", []string{"en-1", "en-3"}},
		{"en", "typist", []string{"en-2"}}, // typists: the stemmed field
	} {
		t.Run(tc.lang+"/"+tc.word, func(t *testing.T) {
			got := ids(search(t, idx, index.Query{Text: tc.word}))
			slices.Sort(got)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("%q found %v, want %v", tc.word, got, tc.want)
			}
		})
	}
}

func TestQuerySyntax(t *testing.T) {
	idx := indextest.Open(t, indextest.Ads())
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"level:critical", []string{"id-1", "my-1", "zh-1"}},
		{`"free flight ticket"`, []string{"en-1", "en-3"}},
		{"+sihanoukville -source:other-board", []string{"en-1"}},
		{"salary_usd_month:>=1500", []string{"en-1", "en-3", "km-1", "zh-1"}},
		{"country:la", []string{"lo-1"}},
		{"rule:no-oec", []string{"tl-1"}},
		{"contact:telegram\\:@goldenbay_hr", []string{"en-1", "en-2", "en-3"}},
		{"title:西港", []string{"zh-1"}},
		{"goldenbay*", []string{"en-1", "en-2", "en-3"}},
		{"body:passport", []string{"en-1", "en-3"}},
		{"title:passport", nil},
		// The title ends in Cambodia and the body starts with No experience:
		// a phrase does not run from one into the other.
		{`"cambodia no experience"`, nil},
	} {
		t.Run(tc.q, func(t *testing.T) {
			got := ids(search(t, idx, index.Query{Text: tc.q}))
			slices.Sort(got)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("%q found %v, want %v", tc.q, got, tc.want)
			}
		})
	}
	if _, err := idx.Search(context.Background(), index.Query{Text: `"unterminated`, Size: 5}); err == nil {
		t.Error("a broken query string was accepted")
	}
}

func TestFiltersRangesAndSort(t *testing.T) {
	idx := indextest.Open(t, indextest.Ads())
	lo, hi := 1000.0, 1200.0
	for _, tc := range []struct {
		name     string
		q        index.Query
		want     string
		anyOrder bool
	}{
		{"filters of one field are alternatives", index.Query{Filters: map[string][]string{"lang": {"th", "km"}}, Sort: "first_seen"}, "km-1,th-1,th-2", true},
		{"filters of two fields must both hold", index.Query{Filters: map[string][]string{"lang": {"th", "km"}, "level": {"low"}}}, "th-2", false},
		{"min level", index.Query{MinLevel: "critical"}, "id-1,my-1,zh-1", true},
		{"salary range", index.Query{SalaryMin: &lo, SalaryMax: &hi}, "en-2,ms-1,my-1,th-1,tl-1,vi-1,zh-2", true},
		{"posted range", index.Query{DateField: "posted", Since: day("2026-11-08"), Until: day("2026-11-09")}, "my-1,zh-1", true},
		{"sort by first seen", index.Query{Filters: map[string][]string{"lang": {"th", "km", "my"}}, Sort: "-first_seen", Size: 2}, "my-1,km-1", false},
		{"text and filter", index.Query{Text: "Sihanoukville", Filters: map[string][]string{"source": {"other-board"}}}, "en-3", false},
		{"sort by salary, descending", index.Query{Filters: map[string][]string{"level": {"critical"}}, Sort: "-salary", Size: 2}, "zh-1,id-1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found := ids(search(t, idx, tc.q))
			if tc.anyOrder {
				slices.Sort(found)
			}
			if got := strings.Join(found, ","); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Score and times_seen are sorted on from their doc values alone.
func TestSortByScoreAndTimesSeen(t *testing.T) {
	ads := indextest.Ads()
	again := *ads[5]
	again.FetchedAt = again.FetchedAt.Add(time.Hour)
	idx := indextest.Open(t, append(ads, &again))
	res := search(t, idx, index.Query{MinLevel: "medium", Sort: "-score"})
	for k, h := range res.Hits {
		if k > 0 && h.Doc.Verdict.Score > res.Hits[k-1].Doc.Verdict.Score {
			t.Fatalf("not by score, descending: %v", ids(res))
		}
	}
	if res.Hits[0].Doc.Verdict.Level != "critical" || res.Hits[len(res.Hits)-1].Doc.Verdict.Level != "medium" {
		t.Errorf("by score: %v", ids(res))
	}
	if got := ids(search(t, idx, index.Query{Sort: "-times_seen", Size: 1})); got[0] != ads[5].ID {
		t.Errorf("by times seen: %v, want %s first", got, ads[5].ID)
	}
}

func TestPaging(t *testing.T) {
	idx := indextest.Open(t, indextest.Ads())
	all := ids(search(t, idx, index.Query{Sort: "posted"}))
	var paged []string
	for off := 0; off < len(all); off += 4 {
		paged = append(paged, ids(search(t, idx, index.Query{Sort: "posted", Size: 4, Offset: off}))...)
	}
	if strings.Join(all, ",") != strings.Join(paged, ",") {
		t.Errorf("pages %v differ from the whole %v", paged, all)
	}
}

func TestFacets(t *testing.T) {
	idx := indextest.Open(t, indextest.Ads(), index.WithClock(func() time.Time { return day("2026-11-12") }))
	res := search(t, idx, index.Query{Facets: index.DefaultFacets(), Size: 1})
	if res.Total != uint64(len(indextest.Fixtures())) {
		t.Fatalf("total %d", res.Total)
	}
	count := func(facet, term string) int {
		for _, tc := range res.Facets[facet].Terms {
			if tc.Term == term {
				return tc.Count
			}
		}
		return 0
	}
	for _, tc := range []struct {
		facet, term string
		want        int
	}{
		{"country", "kh", 10}, {"level", "high", 8}, {"lang", "th", 2}, {"contact", "telegram:@goldenbay_hr", 3},
		{"rule", "watched-hub", 8}, {"platform", "telegram", 7}, {"place", "sihanoukville", 5},
	} {
		if got := count(tc.facet, tc.term); got != tc.want {
			t.Errorf("facet %s: %s counted %d, want %d", tc.facet, tc.term, got, tc.want)
		}
	}
	weeks := res.Facets["week"].Ranges
	if len(weeks) != 12 || weeks[len(weeks)-1].Name != "2026-11-09" {
		t.Fatalf("weeks %+v", weeks)
	}
	// first_seen is the fetch time, 3h after the posted date.
	if w := weeks[len(weeks)-2]; w.Name != "2026-11-02" || w.Count != 11 {
		t.Errorf("week of 2026-11-02 counted %d, want 11", w.Count)
	}
	bands := map[string]int{}
	for _, r := range res.Facets["salary"].Ranges {
		bands[r.Name] = r.Count
	}
	if bands["< 500"] != 2 || bands["1,000–2,000"] != 12 || bands["500–1,000"] != 1 {
		t.Errorf("salary bands %v", bands)
	}
	// Facets count the matching ads only.
	res = search(t, idx, index.Query{Text: "lang:zh", Facets: []string{"level"}})
	if got := res.Facets["level"].Terms; len(got) != 2 {
		t.Errorf("level facet of the Chinese ads: %+v", got)
	}
}

func marked(h index.Hit, field string) []string {
	var out []string
	for _, s := range h.Highlights {
		if s.Field != field {
			continue
		}
		for _, p := range s.Parts {
			if p.Match {
				out = append(out, p.Text)
			}
		}
	}
	return out
}

func TestHighlights(t *testing.T) {
	idx := indextest.Open(t, indextest.Ads())
	for _, tc := range []struct {
		q, id, field string
		want         []string
	}{
		{"sihanoukville", "en-1", "title", []string{"Sihanoukville"}},
		{"sihanoukville", "en-1", "body", []string{"Sihanoukville"}},
		{"กัมพูชา", "th-1", "title", []string{"กัมพูชา"}},
		{"西港", "zh-1", "title", []string{"西港"}},
		{"ព្រះសីហនុ", "km-1", "body", []string{"ព្រះសីហនុ"}},
		{`"free flight"`, "en-1", "body", []string{"Free flight"}},
		{"typist", "en-2", "title", []string{"Typists"}},
	} {
		t.Run(tc.q, func(t *testing.T) {
			res := search(t, idx, index.Query{Text: tc.q, Highlight: true})
			for _, h := range res.Hits {
				if h.ID != tc.id {
					continue
				}
				if got := marked(h, tc.field); !slices.Equal(got, tc.want) {
					t.Errorf("%s %s marked %q, want %q", tc.id, tc.field, got, tc.want)
				}
				return
			}
			t.Fatalf("%s not found", tc.id)
		})
	}
}

// An ad whose Burmese is typed in Zawgyi is found by the Unicode an
// analyst types, and the match is shown in its converted text.
func TestZawgyiAdFoundByUnicode(t *testing.T) {
	zg := indextest.Fixture{ID: "my-zg", Lang: "my", Title: "ထိုင္း အြန္လိုင္း အလုပ္",
		Body: "လစာ ၃၀ သိန္း ႀကိဳတင္ေငြ မလိုပါ", Level: "high"}.Flagged()
	zg.Verdict.Extracted.Zawgyi = true
	idx := indextest.Open(t, append(indextest.Ads(), zg))
	for _, word := range []string{"ကြိုတင်ငွေ", "ထိုင်း"} {
		res := search(t, idx, index.Query{Text: word, Highlight: true})
		if got := ids(res); !slices.Equal(got, []string{"my-zg"}) {
			t.Fatalf("%q found %v, want [my-zg]", word, got)
		}
		if got := marked(res.Hits[0], "unicode"); !slices.Equal(got, []string{word}) {
			t.Errorf("%q marked %q in the converted text", word, got)
		}
	}
}

func TestSimilar(t *testing.T) {
	idx := indextest.Open(t, indextest.Ads())
	sim, err := idx.Similar(context.Background(), "en-1", 10)
	if err != nil {
		t.Fatal(err)
	}
	var contact, content []string
	for _, d := range sim.SameContact {
		contact = append(contact, d.ID)
	}
	for _, d := range sim.SameContent {
		content = append(content, d.ID)
	}
	slices.Sort(contact)
	if strings.Join(contact, ",") != "en-2,en-3" || strings.Join(content, ",") != "en-3" {
		t.Errorf("same contact %v, same content %v", contact, content)
	}
	if _, err := idx.Similar(context.Background(), "nope", 10); err != index.ErrNotFound {
		t.Errorf("similar of an unknown id: %v", err)
	}
}

func TestQueryValidation(t *testing.T) {
	idx := indextest.Open(t, nil)
	for _, tc := range []struct {
		q    index.Query
		want string
	}{
		{index.Query{Filters: map[string][]string{"body": {"x"}}}, `filter "body"`},
		{index.Query{MinLevel: "severe"}, "min_level"},
		{index.Query{DateField: "fetched"}, "date_field"},
		{index.Query{Sort: "-title"}, "sort"},
		{index.Query{Size: 1000}, "size"},
		{index.Query{Facets: []string{"body"}}, "facet"},
		{index.Query{Since: day("2026-02-01"), Until: day("2026-01-01")}, "until"},
	} {
		_, err := idx.Search(context.Background(), tc.q)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want it to name %s", tc.q, err, tc.want)
		}
	}
	// An empty index answers with nothing, not an error.
	res, err := idx.Search(context.Background(), index.Query{Text: "x", Facets: []string{"level"}, Size: 10})
	if err != nil || res.Total != 0 {
		t.Errorf("empty index: %v, %v", res, err)
	}
}
