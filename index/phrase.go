package index

import (
	"context"
	"errors"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// termsAtQuery finds documents holding terms at given distances from each
// other in one field: a word of a script without spaces, as the bigrams it
// is indexed as. It matches and scores as Bleve's phrase query over the
// same terms does, but checks the positions on the postings' own term
// vectors, where Bleve's phrase searcher has each term's searcher copy them
// out, merges the copies, then builds maps of them, for every document
// holding all the terms: for a common word, most of its time and garbage.
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
func (q *termsAtQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	if im, ok := m.(*mapping.IndexMappingImpl); ok && im.ScoringModel == index.BM25Scoring {
		// termsAtSearcher scores as Bleve's tf-idf does; under BM25, Bleve's
		// own phrase searcher over the same terms.
		return searcher.NewMultiPhraseSearcher(ctx, r, q.phrase(), 0, false, q.field, q.boost, opts)
	}
	docs, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	s := &termsAtSearcher{q: q, opts: opts, keepLocations: opts.IncludeTermVectors}
	// Freq and norm score; positions are what the searcher is for.
	freqNorm := opts.Score != "none"
	for k, t := range q.terms {
		tr, err := r.TermFieldReader(ctx, []byte(t), q.field, freqNorm, freqNorm, true)
		if err != nil {
			_ = s.Close()
			return nil, err
		}
		s.terms = append(s.terms, termReader{
			term:   k,
			reader: tr,
			scorer: scorer.NewTermQueryScorer([]byte(t), q.field, q.boost, docs, tr.Count(), 0, opts),
		})
	}
	// The rarest term leads, as in Bleve's conjunction, which also sums the
	// terms' scores in this order.
	sort.Sort(byCount(s.terms))
	s.pos = make([][]uint64, len(q.terms))
	s.matches = make([]*search.DocumentMatch, len(s.terms))
	// As Bleve's phrase searcher does, for the same scores.
	s.SetQueryNorm(1 / math.Sqrt(s.Weight()))
	return s, nil
}

// phrase is q as a Bleve multi-phrase: its terms, with empty ones where a
// bigram is left out.
func (q *termsAtQuery) phrase() [][]string {
	var out [][]string
	for k, at := range q.at {
		for _, off := range at {
			for len(out) <= int(off) {
				out = append(out, []string{""})
			}
			out[off] = []string{q.terms[k]}
		}
	}
	return out
}

// termsAtSearcher walks the terms' postings together, as a conjunction,
// and checks the positions of each document they share on the postings'
// own term vectors, before anything is copied out of them.
type termsAtSearcher struct {
	q     *termsAtQuery
	opts  search.SearcherOptions
	terms []termReader // rarest first
	// keepLocations: the caller asked for the locations of the matches
	// (to highlight them).
	keepLocations bool
	done          bool
	target        index.IndexInternalID
	pos           [][]uint64 // positions of each term (q.terms) in the current document
	starts        []uint64   // positions where the terms lie as asked
	matches       []*search.DocumentMatch
}

type termReader struct {
	term   int // in q.terms
	reader index.TermFieldReader
	scorer *scorer.TermQueryScorer
	cur    *index.TermFieldDoc // nil before the first document
	buf    index.TermFieldDoc
}

type byCount []termReader

func (b byCount) Len() int           { return len(b) }
func (b byCount) Less(i, j int) bool { return b[i].reader.Count() < b[j].reader.Count() }
func (b byCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

func (s *termsAtSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	if ok, err := s.nextLead(); !ok {
		return nil, err
	}
	return s.find(ctx)
}

// nextLead moves the rarest term to its next document and makes that the
// target; false at the end of its postings or on an error.
func (s *termsAtSearcher) nextLead() (bool, error) {
	lead := &s.terms[0]
	d, err := lead.reader.Next(&lead.buf)
	if err != nil || d == nil {
		s.done = true
		return false, err
	}
	lead.cur = d
	s.target = append(s.target[:0], d.ID...)
	return true, nil
}

func (s *termsAtSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	s.target = append(s.target[:0], id...)
	return s.find(ctx)
}

// find returns the first document at or after s.target that holds every
// term, at the positions asked.
func (s *termsAtSearcher) find(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		agreed := true
		for k := range s.terms {
			t := &s.terms[k]
			if t.cur == nil || t.cur.ID.Compare(s.target) < 0 {
				d, err := t.reader.Advance(s.target, &t.buf)
				if err != nil || d == nil {
					s.done = true
					return nil, err
				}
				t.cur = d
			}
			if t.cur.ID.Compare(s.target) > 0 {
				s.target = append(s.target[:0], t.cur.ID...)
				agreed = false
				break
			}
		}
		if agreed {
			if s.check() {
				return s.match(ctx)
			}
			if ok, err := s.nextLead(); !ok {
				return nil, err
			}
		}
	}
}

// check reports whether the current document holds the terms at their
// offsets, and where.
func (s *termsAtSearcher) check() bool {
	for _, t := range s.terms {
		p := s.pos[t.term][:0]
		for _, v := range t.cur.Vectors {
			p = append(p, v.Pos)
		}
		slices.Sort(p) // in order already, as the postings keep them
		s.pos[t.term] = p
	}
	// Every occurrence of the first term is a candidate start.
	s.starts = s.starts[:0]
	firstAt := s.q.at[0][0]
candidates:
	for _, p := range s.pos[0] {
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
	return len(s.starts) > 0
}

// match scores the current document as Bleve's conjunction of the terms
// would, with the locations of the matched occurrences when asked.
func (s *termsAtSearcher) match(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for k := range s.terms {
		t := &s.terms[k]
		// Scored without its vectors, which the scorer would copy.
		doc := index.TermFieldDoc{Term: t.cur.Term, ID: t.cur.ID, Freq: t.cur.Freq, Norm: t.cur.Norm}
		s.matches[k] = t.scorer.Score(ctx, &doc)
	}
	d := scorer.NewConjunctionQueryScorer(s.opts).Score(ctx, s.matches)
	for _, m := range s.matches[1:] {
		ctx.DocumentMatchPool.Put(m)
	}
	if s.keepLocations {
		for _, t := range s.terms {
			for _, v := range t.cur.Vectors {
				if s.matched(t.term, v.Pos) {
					d.FieldTermLocations = append(d.FieldTermLocations, search.FieldTermLocation{
						Field:    v.Field,
						Term:     s.q.terms[t.term],
						Location: search.Location{Pos: v.Pos, Start: v.Start, End: v.End, ArrayPositions: v.ArrayPositions},
					})
				}
			}
		}
	}
	return d, nil
}

// matched reports whether term k at pos is part of a match check found.
func (s *termsAtSearcher) matched(k int, pos uint64) bool {
	for _, off := range s.q.at[k] {
		if pos < off {
			continue
		}
		if _, ok := slices.BinarySearch(s.starts, pos-off); ok {
			return true
		}
	}
	return false
}

func (s *termsAtSearcher) Close() error {
	var errs []error
	for _, t := range s.terms {
		errs = append(errs, t.reader.Close())
	}
	return errors.Join(errs...)
}

func (s *termsAtSearcher) Weight() float64 {
	var w float64
	for _, t := range s.terms {
		w += t.scorer.Weight()
	}
	return w
}

func (s *termsAtSearcher) SetQueryNorm(n float64) {
	for _, t := range s.terms {
		t.scorer.SetQueryNorm(n)
	}
}

// Count is at most the count of the rarest term.
func (s *termsAtSearcher) Count() uint64 { return s.terms[0].reader.Count() }
func (s *termsAtSearcher) Min() int      { return 0 }

func (s *termsAtSearcher) Size() int {
	n := 0
	for _, t := range s.terms {
		n += t.reader.Size()
	}
	return n
}

func (s *termsAtSearcher) DocumentMatchPoolSize() int { return len(s.terms) }
