package index

import (
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// termsAtQuery finds documents holding terms at given distances from each
// other in one field: a word of a script without spaces, as the bigrams it
// is indexed as. It matches and scores as Bleve's phrase query over the
// same terms does, but checks the positions on the flat list of term
// locations the terms' searchers produce, where Bleve's phrase searcher
// first builds maps of them for every candidate document: for a common
// word, most of its time and garbage.
type termsAtQuery struct {
	field string
	// terms are the distinct terms, each found at the offsets (positions
	// from the first term) of its entry in at.
	terms []string
	at    [][]uint64
	boost float64
}

// Field implements query.FieldableQuery.
func (q *termsAtQuery) Field() string { return q.field }

// SetField implements query.FieldableQuery.
func (q *termsAtQuery) SetField(f string) { q.field = f }

// Boost implements query.BoostableQuery.
func (q *termsAtQuery) Boost() float64 { return q.boost }

// SetBoost implements query.BoostableQuery.
func (q *termsAtQuery) SetBoost(b float64) { q.boost = b }

// Searcher implements query.Query.
func (q *termsAtQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	topts := opts
	topts.IncludeTermVectors = true // the positions
	terms := make([]search.Searcher, 0, len(q.terms))
	closeAll := func() {
		for _, s := range terms {
			_ = s.Close()
		}
	}
	for _, t := range q.terms {
		s, err := searcher.NewTermSearcher(ctx, r, t, q.field, q.boost, topts)
		if err != nil {
			closeAll()
			return nil, err
		}
		terms = append(terms, s)
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, terms, topts)
	if err != nil {
		closeAll()
		return nil, err
	}
	// As Bleve's phrase searcher does, for the same scores.
	must.SetQueryNorm(1 / math.Sqrt(must.Weight()))
	return &termsAtSearcher{q: q, must: must, keepLocations: opts.IncludeTermVectors, pos: make([][]uint64, len(q.terms))}, nil
}

type termsAtSearcher struct {
	q    *termsAtQuery
	must search.Searcher // every term, anywhere
	// keepLocations: the caller asked for the locations of the matches
	// (to highlight them); else they are dropped.
	keepLocations bool
	pos           [][]uint64 // positions of each term in the current document
	starts        []uint64   // positions where the terms lie as asked
}

func (s *termsAtSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.must.Next(ctx)
		if err != nil || d == nil {
			return nil, err
		}
		if s.check(d) {
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *termsAtSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.must.Advance(ctx, id)
	if err != nil || d == nil {
		return nil, err
	}
	if s.check(d) {
		return d, nil
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}

// check reports whether d holds the terms at their offsets, and leaves in d
// only the locations of those occurrences.
func (s *termsAtSearcher) check(d *search.DocumentMatch) bool {
	for k := range s.pos {
		s.pos[k] = s.pos[k][:0]
	}
	for _, l := range d.FieldTermLocations {
		if k := s.term(l.Term); k >= 0 {
			s.pos[k] = append(s.pos[k], l.Location.Pos)
		}
	}
	for k := range s.pos {
		slices.Sort(s.pos[k]) // already in order, from one term's searcher
	}
	// Every occurrence of the first term is a candidate start.
	s.starts = s.starts[:0]
	first, firstAt := s.pos[0], s.q.at[0][0]
candidates:
	for _, p := range first {
		if p < firstAt {
			continue
		}
		start := p - firstAt
		for k, offsets := range s.q.at {
			for _, off := range offsets {
				if _, ok := slices.BinarySearch(s.pos[k], start+off); !ok {
					continue candidates
				}
			}
		}
		s.starts = append(s.starts, start)
	}
	if len(s.starts) == 0 {
		return false
	}
	if !s.keepLocations {
		d.FieldTermLocations = d.FieldTermLocations[:0]
		return true
	}
	// Keep the locations of the matched occurrences, swapping rather than
	// overwriting so that each entry keeps its own recycled buffers.
	n := 0
	for j := range d.FieldTermLocations {
		if s.matched(d.FieldTermLocations[j]) {
			d.FieldTermLocations[n], d.FieldTermLocations[j] = d.FieldTermLocations[j], d.FieldTermLocations[n]
			n++
		}
	}
	d.FieldTermLocations = d.FieldTermLocations[:n]
	return true
}

func (s *termsAtSearcher) term(t string) int {
	for k, q := range s.q.terms {
		if q == t {
			return k
		}
	}
	return -1
}

// matched reports whether l is an occurrence of a match found by check.
func (s *termsAtSearcher) matched(l search.FieldTermLocation) bool {
	k := s.term(l.Term)
	if k < 0 {
		return false
	}
	for _, off := range s.q.at[k] {
		if l.Location.Pos < off {
			continue
		}
		if _, ok := slices.BinarySearch(s.starts, l.Location.Pos-off); ok {
			return true
		}
	}
	return false
}

func (s *termsAtSearcher) Close() error               { return s.must.Close() }
func (s *termsAtSearcher) Weight() float64            { return s.must.Weight() }
func (s *termsAtSearcher) SetQueryNorm(n float64)     { s.must.SetQueryNorm(n) }
func (s *termsAtSearcher) Count() uint64              { return s.must.Count() }
func (s *termsAtSearcher) Min() int                   { return 0 }
func (s *termsAtSearcher) Size() int                  { return s.must.Size() }
func (s *termsAtSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() }
