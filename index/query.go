package index

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Query is a search of the flagged ads.
type Query struct {
	// Text is a query string in Bleve's syntax: words, "phrases",
	// field:value, +must, -mustnot, field:>number. Empty matches every ad.
	// Words without a field are looked for in the title, body, location,
	// company and contacts; words in Thai, Lao, Khmer, Burmese or Chinese
	// match as written (as a phrase of letter bigrams).
	Text string
	// Filters keep ads whose keyword field has one of the values: values of
	// one field are alternatives, fields must all hold. Fields are those of
	// KeywordFields.
	Filters map[string][]string
	// MinLevel keeps ads at this level or above.
	MinLevel ad.Level
	// DateField is the date that Since and Until bound and the week
	// histogram counts: posted, first_seen (default) or last_seen.
	DateField string
	// Since (inclusive) and Until (exclusive) bound DateField; zero is
	// unbounded.
	Since, Until time.Time
	// SalaryMin and SalaryMax bound the offered salary in USD a month; an
	// ad with no salary found is left out when either is set.
	SalaryMin, SalaryMax *float64
	// Sort is relevance (the default with Text, else -last_seen), or a
	// field with an optional leading - for descending: posted, first_seen,
	// last_seen, score, salary, times_seen.
	Sort string
	// Size and Offset page through the results.
	Size, Offset int
	// Facets names the facets to count: keyword fields, "week" and
	// "salary". Nil counts none.
	Facets []string
	// FacetSize is how many terms a terms facet lists (default 10).
	FacetSize int
	// Highlight asks for snippets of title and body with the matched
	// words marked.
	Highlight bool
}

// KeywordFields lists the fields a Query can filter and facet on.
func KeywordFields() []string { return append([]string(nil), keywordFields...) }

// DefaultFacets are the facets the UI shows.
func DefaultFacets() []string {
	return []string{"level", "country", "place", "rule", "category", "lang", "source", "platform", "contact", "job_type", "week", "salary"}
}

// Limits of a query, so that one request cannot make the index work without
// bound.
const (
	MaxSize      = 200
	MaxOffset    = 10000
	maxFacetSize = 100
)

// sortFields maps the API's sort names to index fields.
var sortFields = map[string]string{
	"posted": fieldPosted, "first_seen": fieldFirstSeen, "last_seen": fieldLastSeen,
	"score": fieldScore, "salary": fieldSalary, "times_seen": fieldTimesSeen,
}

var dateFields = map[string]string{
	"": fieldFirstSeen, "posted": fieldPosted, "first_seen": fieldFirstSeen, "last_seen": fieldLastSeen,
}

// ErrBadQuery is wrapped by the error of a query the index cannot answer as
// asked: a parse error in the text, an unknown field, a bad range.
var ErrBadQuery = errors.New("bad query")

type badQuery struct{ err error }

func (e badQuery) Error() string   { return e.err.Error() }
func (e badQuery) Unwrap() []error { return []error{ErrBadQuery, e.err} }

// Validate reports the first part of q the index cannot answer, naming it.
// The error wraps ErrBadQuery.
func (q *Query) Validate() error {
	if err := q.validate(); err != nil {
		return badQuery{err}
	}
	return nil
}

func (q *Query) validate() error {
	for f := range q.Filters {
		if !isKeywordField(f) {
			return fmt.Errorf("filter %q: not a keyword field (one of %s)", f, strings.Join(keywordFields, ", "))
		}
	}
	if q.MinLevel != "" && q.MinLevel.Rank() < 0 {
		return fmt.Errorf("min_level %q: not none, low, medium, high or critical", q.MinLevel)
	}
	if _, ok := dateFields[q.DateField]; !ok {
		return fmt.Errorf("date_field %q: not posted, first_seen or last_seen", q.DateField)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		return fmt.Errorf("date range: until %s is before since %s", q.Until.Format(time.DateOnly), q.Since.Format(time.DateOnly))
	}
	if q.SalaryMin != nil && q.SalaryMax != nil && *q.SalaryMax < *q.SalaryMin {
		return fmt.Errorf("salary range: max %g is below min %g", *q.SalaryMax, *q.SalaryMin)
	}
	if s := strings.TrimPrefix(q.Sort, "-"); s != "" && s != "relevance" && sortFields[s] == "" {
		return fmt.Errorf("sort %q: not relevance or one of posted, first_seen, last_seen, score, salary, times_seen (- for descending)", q.Sort)
	}
	if q.Size < 0 || q.Size > MaxSize {
		return fmt.Errorf("size %d: must be between 0 and %d", q.Size, MaxSize)
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return fmt.Errorf("from %d: must be between 0 and %d", q.Offset, MaxOffset)
	}
	for _, f := range q.Facets {
		if f != "week" && f != "salary" && !isKeywordField(f) {
			return fmt.Errorf("facet %q: not week, salary or a keyword field", f)
		}
	}
	if q.FacetSize < 0 || q.FacetSize > maxFacetSize {
		return fmt.Errorf("facet_size %d: must be between 0 and %d", q.FacetSize, maxFacetSize)
	}
	return nil
}

// build turns q into a Bleve query: the text query, with the filters as a
// non-scoring filter beside it. It also returns the text query alone, whose
// matches the highlights mark (nil without text).
func (q *Query) build() (all, text query.Query, err error) {
	all = query.NewMatchAllQuery()
	if strings.TrimSpace(q.Text) != "" {
		parsed, err := query.NewQueryStringQuery(q.Text).Parse()
		if err != nil {
			return nil, nil, badQuery{fmt.Errorf("query %q: %w", q.Text, err)}
		}
		text = rewriteQuery(parsed)
		if v, ok := text.(query.ValidatableQuery); ok {
			if err := v.Validate(); err != nil {
				return nil, nil, badQuery{fmt.Errorf("query %q: %w", q.Text, err)}
			}
		}
		all = text
	}
	var filters []query.Query
	for _, f := range keywordFields { // a fixed order, for stable plans
		vals := q.Filters[f]
		if len(vals) == 0 {
			continue
		}
		var alts []query.Query
		for _, v := range vals {
			t := query.NewTermQuery(strings.ToLower(strings.TrimSpace(v)))
			t.SetField(f)
			alts = append(alts, t)
		}
		filters = append(filters, query.NewDisjunctionQuery(alts))
	}
	if q.MinLevel != "" {
		var alts []query.Query
		for _, l := range []ad.Level{ad.LevelNone, ad.LevelLow, ad.LevelMedium, ad.LevelHigh, ad.LevelCritical} {
			if l.Rank() >= q.MinLevel.Rank() {
				t := query.NewTermQuery(string(l))
				t.SetField("level")
				alts = append(alts, t)
			}
		}
		filters = append(filters, query.NewDisjunctionQuery(alts))
	}
	if !q.Since.IsZero() || !q.Until.IsZero() {
		inc, exc := true, false
		r := query.NewDateRangeInclusiveQuery(q.Since, q.Until, &inc, &exc)
		r.SetField(dateFields[q.DateField])
		filters = append(filters, r)
	}
	if q.SalaryMin != nil || q.SalaryMax != nil {
		inc := true
		r := query.NewNumericRangeInclusiveQuery(q.SalaryMin, q.SalaryMax, &inc, &inc)
		r.SetField(fieldSalary)
		filters = append(filters, r)
	}
	if len(filters) == 0 {
		return all, text, nil
	}
	b := query.NewBooleanQuery([]query.Query{all}, nil, nil)
	b.AddFilter(query.NewConjunctionQuery(filters))
	return b, text, nil
}

// rewriteQuery fits a parsed query string to the mapping. A clause without
// a field becomes a disjunction over the text fields (there is no _all
// field), and a match in a script without spaces becomes a phrase of its
// bigrams, so that a Thai or Chinese word matches where it is written
// rather than wherever one of its letter pairs occurs.
func rewriteQuery(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		if q.Must != nil {
			q.Must = rewriteQuery(q.Must)
		}
		if q.Should != nil {
			q.Should = rewriteQuery(q.Should)
		}
		if q.MustNot != nil {
			q.MustNot = rewriteQuery(q.MustNot)
		}
		return q
	case *query.ConjunctionQuery:
		for k := range q.Conjuncts {
			q.Conjuncts[k] = rewriteQuery(q.Conjuncts[k])
		}
		return q
	case *query.DisjunctionQuery:
		for k := range q.Disjuncts {
			q.Disjuncts[k] = rewriteQuery(q.Disjuncts[k])
		}
		return q
	case *query.MatchQuery:
		if a, ok := fieldAliases[q.FieldVal]; ok {
			q.SetField(a)
		}
		if q.Fuzziness == 0 && spaceless(q.Match) && (q.FieldVal == "" || isTextField(q.FieldVal)) {
			return bigramPhrase(q.FieldVal, q.Match, q.Boost())
		}
		if q.FieldVal == "" {
			return overTextFields(func(field string, boost float64) query.Query {
				c := *q
				c.SetField(field)
				c.SetBoost(boost * q.Boost())
				return &c
			})
		}
		return q
	case *query.MatchPhraseQuery:
		if a, ok := fieldAliases[q.FieldVal]; ok {
			q.SetField(a)
		}
		if q.Fuzziness == 0 && spaceless(q.MatchPhrase) && (q.FieldVal == "" || isTextField(q.FieldVal)) {
			return bigramPhrase(q.FieldVal, q.MatchPhrase, q.Boost())
		}
		if q.FieldVal == "" {
			return overTextFields(func(field string, boost float64) query.Query {
				c := *q
				c.SetField(field)
				c.SetBoost(boost * q.Boost())
				return &c
			})
		}
		return q
	case *query.WildcardQuery:
		q.Wildcard = strings.ToLower(q.Wildcard)
		if a, ok := fieldAliases[q.FieldVal]; ok {
			q.SetField(a)
		}
		if q.FieldVal == "" {
			return overTextFields(func(field string, _ float64) query.Query {
				c := *q
				c.SetField(field)
				return &c
			})
		}
		return q
	case *query.RegexpQuery:
		if a, ok := fieldAliases[q.FieldVal]; ok {
			q.SetField(a)
		}
		if q.FieldVal == "" {
			return overTextFields(func(field string, _ float64) query.Query {
				c := *q
				c.SetField(field)
				return &c
			})
		}
		return q
	}
	return q
}

// bigramPhrase finds text written in a script without spaces where it is
// written: its letter bigrams at consecutive positions, in field or, without
// one, in the text (the stemmed fields hold no such script; the text holds
// the title too, and a second phrase over the title alone would cost as
// much again for a little weight).
//
// Overlapping bigrams repeat each other: in a run of them every other one
// is left out (the first and last kept), which halves the postings a search
// reads and still pins every letter. A word that is one bigram is a term.
// Where a word of the query is joined by underscores, it is looked for
// whole, not by its parts.
func bigramPhrase(field, text string, boost float64) query.Query {
	if field == "" {
		field = fieldText
	}
	ts := foldFilter{}.Filter(scriptTokenizer{}.Tokenize([]byte(text)))
	if len(ts) == 0 {
		return query.NewMatchNoneQuery()
	}
	first, last := ts[0].Position, ts[len(ts)-1].Position
	terms := make([]string, last-first+1)
	bigram := make([]bool, len(terms))
	for _, t := range ts {
		k := t.Position - first
		if terms[k] == "" { // the word itself, before its parts
			terms[k] = string(t.Term)
			bigram[k] = t.Type == tokenBigram
		}
	}
	for k := 1; k < len(terms)-1; k++ {
		if bigram[k] && bigram[k-1] && bigram[k+1] && terms[k-1] != "" {
			terms[k] = "" // the neighbours overlap it
		}
	}
	q := &termsAtQuery{field: field, boost: boost}
	for k, t := range terms {
		if t == "" {
			continue
		}
		j := slices.Index(q.terms, t)
		if j < 0 {
			j = len(q.terms)
			q.terms = append(q.terms, t)
			q.at = append(q.at, nil)
		}
		q.at[j] = append(q.at[j], uint64(k))
	}
	if len(q.terms) == 1 && len(q.at[0]) == 1 {
		t := query.NewTermQuery(q.terms[0])
		t.SetField(field)
		t.SetBoost(boost)
		return t
	}
	return q
}

func overTextFields(each func(field string, boost float64) query.Query) query.Query {
	alts := make([]query.Query, 0, len(textFields))
	for _, f := range textFields {
		alts = append(alts, each(f.name, f.boost))
	}
	return query.NewDisjunctionQuery(alts)
}
