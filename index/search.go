package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Result is one page of matching ads, with the facets of all of them.
type Result struct {
	Total  uint64            `json:"total"`
	TookMS float64           `json:"took_ms"`
	Hits   []Hit             `json:"hits"`
	Facets map[string]*Facet `json:"facets,omitempty"`
}

// Hit is one matching ad.
type Hit struct {
	ID    string  `json:"id"`
	Match float64 `json:"match"`
	// Highlights are snippets of the ad's fields with the query's words
	// marked: the title whole, the body's best passages.
	Highlights []Snippet `json:"highlights,omitempty"`
	Doc        *Doc      `json:"ad"`
}

// Facet counts the matching ads by one field's values (Terms) or by ranges
// (Ranges: weeks, salary bands).
type Facet struct {
	Field string `json:"field"`
	// Total is the number of values counted; an ad with two places counts
	// twice.
	Total   int         `json:"total"`
	Missing int         `json:"missing"`
	Other   int         `json:"other"`
	Terms   []TermCount `json:"terms,omitempty"`
	Ranges  []Range     `json:"ranges,omitempty"`
}

// TermCount is one value of a terms facet.
type TermCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Range is one bucket of a range facet. From is inclusive, To exclusive;
// nil is unbounded. Dates are RFC 3339.
type Range struct {
	Name  string `json:"name"`
	From  any    `json:"from,omitempty"`
	To    any    `json:"to,omitempty"`
	Count int    `json:"count"`
}

// salaryBands are the salary facet's buckets, in USD a month: lures offer
// well above what the job would pay at home.
var salaryBands = []struct {
	name     string
	min, max float64
}{
	{"< 500", 0, 500},
	{"500–1,000", 500, 1000},
	{"1,000–2,000", 1000, 2000},
	{"2,000–5,000", 2000, 5000},
	{"≥ 5,000", 5000, 0},
}

// weeksShown is how many weeks the week histogram covers without a date
// range.
const weeksShown = 12

// Search finds the ads matching q.
func (i *Index) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	defer func() { i.metrics.queryDur.WithLabelValues("search").Observe(time.Since(start).Seconds()) }()
	if err := q.Validate(); err != nil {
		return nil, err
	}
	bq, text, err := q.build()
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(bq, q.Size, q.Offset, false)
	req.Fields = []string{fieldDoc}
	req.SortBy(q.sortOrder())
	weeks := q.weeks(i.now())
	var counter *facetCounter
	sctx := ctx
	if len(q.Facets) > 0 {
		counter = newFacetCounter(q.facetFields(), i.tables)
		sctx = counter.withCounting(ctx)
	}

	i.mu.RLock()
	var res *bleve.SearchResult
	if len(i.shards) > 0 {
		res, err = i.alias.SearchInContext(sctx, req)
	}
	i.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	out := &Result{Hits: []Hit{}}
	if res == nil {
		out.Facets = emptyFacets(q.Facets)
		return out, nil
	}
	out.Total = res.Total
	var locs map[string]search.FieldTermLocationMap
	if q.Highlight && text != nil && len(res.Hits) > 0 {
		if locs, err = i.locations(ctx, text, res.Hits); err != nil {
			return nil, err
		}
	}
	for _, h := range res.Hits {
		d, err := hitDoc(h.ID, h.Fields)
		if err != nil {
			return nil, err
		}
		hit := Hit{ID: h.ID, Match: h.Score, Doc: d}
		if q.Highlight {
			hit.Highlights = snippets(d, locs[h.ID])
		}
		out.Hits = append(out.Hits, hit)
	}
	if counter != nil {
		out.Facets = map[string]*Facet{}
		for _, name := range q.Facets {
			out.Facets[name] = q.facet(name, counter, weeks)
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// locations finds where the text query matched in the page's hits: a
// second, small search over just those ads. Asking the first search for
// locations would decode them for every matching ad, not just the page.
func (i *Index) locations(ctx context.Context, text query.Query, hits search.DocumentMatchCollection) (map[string]search.FieldTermLocationMap, error) {
	ids := make([]string, len(hits))
	for k, h := range hits {
		ids[k] = h.ID
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), text}), len(ids), 0, false)
	req.IncludeLocations = true
	req.Score = "none"
	i.mu.RLock()
	res, err := i.alias.SearchInContext(ctx, req)
	i.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("highlight: %w", err)
	}
	out := make(map[string]search.FieldTermLocationMap, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h.Locations
	}
	return out, nil
}

// sortOrder is the Bleve sort of q. Ties keep the index's order: a tie
// breaker such as _id would be read for every matching ad.
func (q *Query) sortOrder() []string {
	s := q.Sort
	if s == "" || s == "relevance" {
		if strings.TrimSpace(q.Text) == "" {
			return []string{"-" + fieldLastSeen}
		}
		return []string{"-_score"}
	}
	desc := strings.HasPrefix(s, "-")
	f := sortFields[strings.TrimPrefix(s, "-")]
	if desc {
		f = "-" + f
	}
	return []string{f, "-_score"}
}

// weeks are the Mondays that start the week histogram's buckets: the
// query's date range, or the last weeksShown weeks.
func (q *Query) weeks(now time.Time) []time.Time {
	to := now.UTC()
	if !q.Until.IsZero() {
		to = q.Until.UTC().Add(-time.Nanosecond)
	}
	from := to.AddDate(0, 0, -7*(weeksShown-1))
	if !q.Since.IsZero() {
		from = q.Since.UTC()
	}
	start := weekStart(from)
	var out []time.Time
	for w := start; !w.After(to) && len(out) < 520; w = w.AddDate(0, 0, 7) {
		out = append(out, w)
	}
	return out
}

func weekStart(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	off := (int(d.Weekday()) + 6) % 7 // days since Monday
	return d.AddDate(0, 0, -off)
}

func emptyFacets(names []string) map[string]*Facet {
	if len(names) == 0 {
		return nil
	}
	out := map[string]*Facet{}
	for _, n := range names {
		out[n] = &Facet{Field: n}
	}
	return out
}

// facetFields are the index fields q's facets count.
func (q *Query) facetFields() []string {
	var out []string
	for _, name := range q.Facets {
		if f := q.facetField(name); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func (q *Query) facetField(name string) string {
	switch name {
	case "week":
		return dateFields[q.DateField]
	case "salary":
		return fieldSalary
	}
	return name
}

// facet is the facet name of q, from what c counted.
func (q *Query) facet(name string, c *facetCounter, weeks []time.Time) *Facet {
	field := q.facetField(name)
	switch name {
	case "week":
		f := c.ranges(field, len(weeks), func(v int64, k int) bool {
			t := time.Unix(0, v)
			return !t.Before(weeks[k]) && t.Before(weeks[k].AddDate(0, 0, 7))
		})
		for k, w := range weeks {
			f.Ranges[k] = Range{Name: w.Format(time.DateOnly), From: w.Format(time.RFC3339), To: w.AddDate(0, 0, 7).Format(time.RFC3339), Count: f.Ranges[k].Count}
		}
		f.Field = name
		return f
	case "salary":
		f := c.ranges(field, len(salaryBands), func(v int64, k int) bool {
			s, b := numeric.Int64ToFloat64(v), salaryBands[k]
			return (b.min == 0 || s >= b.min) && (b.max == 0 || s < b.max)
		})
		for k, b := range salaryBands {
			f.Ranges[k].Name = b.name
			if b.min > 0 {
				f.Ranges[k].From = b.min
			}
			if b.max > 0 {
				f.Ranges[k].To = b.max
			}
		}
		f.Field = name
		return f
	}
	size := q.FacetSize
	if size == 0 {
		size = 10
	}
	return c.terms(field, size)
}

// Similar are ads related to one: those sharing a contact handle, and those
// with the same text (content hash) elsewhere or under another id.
type Similar struct {
	SameContact []*Doc `json:"same_contact"`
	SameContent []*Doc `json:"same_content"`
}

// Similar finds up to size ads of each kind related to the ad with id.
func (i *Index) Similar(ctx context.Context, id string, size int) (*Similar, error) {
	start := time.Now()
	defer func() { i.metrics.queryDur.WithLabelValues("similar").Observe(time.Since(start).Seconds()) }()
	d, err := i.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Similar{SameContact: []*Doc{}, SameContent: []*Doc{}}
	if keys := contactKeys(d); len(keys) > 0 {
		res, err := i.Search(ctx, Query{Filters: map[string][]string{"contact": keys}, Size: size + 1})
		if err != nil {
			return nil, err
		}
		out.SameContact = others(res, id, size)
	}
	if d.ContentHash != "" {
		res, err := i.Search(ctx, Query{Filters: map[string][]string{"content_hash": {d.ContentHash}}, Size: size + 1})
		if err != nil {
			return nil, err
		}
		out.SameContent = others(res, id, size)
	}
	return out, nil
}

func others(res *Result, id string, size int) []*Doc {
	out := []*Doc{}
	for _, h := range res.Hits {
		if h.ID != id && len(out) < size {
			out = append(out, h.Doc)
		}
	}
	return out
}
