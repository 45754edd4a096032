package index

import (
	"context"
	"fmt"
	"math/bits"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// termCounter counts the terms facets of one search. Bleve counts a facet
// by reading every matching ad's doc values and adding each value to a map
// under a freshly allocated string: for a word in every ad, most of a
// query's time. The keyword fields have few values, so termCounter instead
// gathers the matching ads of each segment into a bitmap while Bleve
// collects them, and counts a value as the size of the bitmap's
// intersection with the value's postings. Where a field has many values for
// the matches a segment holds (contact handles for a rare word), it reads
// their doc values instead, as Bleve would, without the allocations.
//
// The counts are those of Bleve's facets: Total is the number of values of
// matching ads, Missing the number of matching ads without one. They are
// exact across shards, where Bleve sums each shard's top terms.
type termCounter struct {
	fields []string

	mu      sync.Mutex
	counts  []map[string]int // by field, as fields
	total   []int
	missing []int
}

func newTermCounter(fields []string) *termCounter {
	c := &termCounter{fields: fields, counts: make([]map[string]int, len(fields)), total: make([]int, len(fields)), missing: make([]int, len(fields))}
	for k := range c.counts {
		c.counts[k] = map[string]int{}
	}
	return c
}

// withCounting returns ctx set up to have c count the matches of a search
// run with it.
func (c *termCounter) withCounting(ctx context.Context) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(c.handler))
}

// handler is called by each shard's collector at the start of its
// collection; the handler it returns sees every match, then nil at the end,
// while the shard's snapshot is still open.
func (c *termCounter) handler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false, fmt.Errorf("count facets: index reader %T is not a scorch snapshot", sctx.IndexReader)
	}
	m := newMatchSet(snap)
	return func(d *search.DocumentMatch) error {
		if d == nil {
			if err := c.count(m); err != nil {
				return err
			}
			return next(nil)
		}
		m.add(d.IndexInternalID.Value())
		return next(d) // which may recycle d
	}, loadID, nil
}

// matchSet is the matches of one shard's snapshot: a bitset of local
// document numbers per segment.
type matchSet struct {
	snap *scorch.IndexSnapshot
	segs []*scorch.SegmentSnapshot
	// ends[k] is one past the last global document number of segment k.
	// Scorch numbers a snapshot's documents segment after segment, each
	// segment taking as many numbers as it holds documents, deleted ones
	// included.
	ends []uint64
	hits []bitset // nil for a segment without matches
	n    []int    // matches by segment
	cur  int
}

func newMatchSet(snap *scorch.IndexSnapshot) *matchSet {
	segs := snap.Segments()
	m := &matchSet{snap: snap, segs: segs, ends: make([]uint64, len(segs)), hits: make([]bitset, len(segs)), n: make([]int, len(segs))}
	var end uint64
	for k, s := range segs {
		end += s.Segment().Count()
		m.ends[k] = end
	}
	return m
}

func (m *matchSet) add(doc uint64) {
	// Matches come in document order: the segment is the current one or a
	// later one.
	if m.cur >= len(m.ends) || doc < m.start(m.cur) || doc >= m.ends[m.cur] {
		m.cur = sort.Search(len(m.ends), func(k int) bool { return m.ends[k] > doc })
		if m.cur == len(m.ends) {
			return // cannot be: the snapshot holds no such document
		}
	}
	if m.hits[m.cur] == nil {
		m.hits[m.cur] = newBitset(m.ends[m.cur] - m.start(m.cur))
	}
	m.hits[m.cur].set(doc - m.start(m.cur))
	m.n[m.cur]++
}

func (m *matchSet) start(seg int) uint64 {
	if seg == 0 {
		return 0
	}
	return m.ends[seg-1]
}

// bitset is a set of a segment's document numbers.
type bitset []uint64

func newBitset(n uint64) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) set(k uint64)      { b[k/64] |= 1 << (k % 64) }
func (b bitset) has(k uint64) bool { return k/64 < uint64(len(b)) && b[k/64]&(1<<(k%64)) != 0 }
func (b bitset) clear()            { clear(b) }
func (b bitset) count() (n int) {
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls fn with every member of b, in order.
func (b bitset) each(fn func(uint64)) {
	for k, w := range b {
		for w != 0 {
			fn(uint64(k*64 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

// postingsPerMatch: a field's values are counted from their postings when
// a segment holds at least this many matches for each value of the field
// in it; otherwise from the matches' doc values. Looking a value up costs
// about as much as reading the doc values of this many matches.
const postingsPerMatch = 8

// count adds the facets of the matches in m.
func (c *termCounter) count(m *matchSet) error {
	counts := make([]map[string]int, len(c.fields))
	total := make([]int, len(c.fields))
	missing := make([]int, len(c.fields))
	dvFields := make([][]int, len(m.hits)) // by segment, the fields counted by doc values
	var valued bitset                      // the matches with a value of the field
	var scratch *roaring.Bitmap
	buf := make([]uint32, 256)
	for f, field := range c.fields {
		counts[f] = map[string]int{}
		for s, hits := range m.hits {
			if hits == nil {
				continue
			}
			dict, err := m.segs[s].Segment().Dictionary(field)
			if err != nil {
				return fmt.Errorf("count facet %s: %w", field, err)
			}
			if dict.Cardinality()*postingsPerMatch > m.n[s] {
				dvFields[s] = append(dvFields[s], f)
				continue
			}
			if cap(valued) < len(hits) {
				valued = make(bitset, len(hits))
			}
			valued = valued[:len(hits)]
			valued.clear()
			it := dict.AutomatonIterator(nil, nil, nil)
			var pl segment.PostingsList
			for {
				e, err := it.Next()
				if err != nil {
					return fmt.Errorf("count facet %s: %w", field, err)
				}
				if e == nil {
					break
				}
				if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
					return fmt.Errorf("count facet %s: %w", field, err)
				}
				bm, ok := pl.(orInto)
				if !ok {
					return fmt.Errorf("count facet %s: postings list %T holds no bitmap", field, pl)
				}
				if scratch == nil {
					scratch = roaring.New()
				}
				scratch.Clear()
				bm.OrInto(scratch)
				k := 0
				for many := scratch.ManyIterator(); ; {
					got := many.NextMany(buf)
					if got == 0 {
						break
					}
					for _, d := range buf[:got] {
						if hits.has(uint64(d)) {
							k++
							valued.set(uint64(d))
						}
					}
				}
				if k > 0 {
					counts[f][e.Term] += k
					total[f] += k
				}
			}
			missing[f] += m.n[s] - valued.count()
		}
	}
	for s, fields := range dvFields {
		if len(fields) > 0 {
			if err := c.countDocValues(m, s, fields, counts, total, missing); err != nil {
				return err
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for f := range c.fields {
		for term, n := range counts[f] {
			c.counts[f][term] += n
		}
		c.total[f] += total[f]
		c.missing[f] += missing[f]
	}
	return nil
}

// countDocValues counts the values of fields (indexes into c.fields) of the
// matches of segment s from their doc values.
func (c *termCounter) countDocValues(m *matchSet, s int, fields []int, counts []map[string]int, total, missing []int) error {
	names := make([]string, len(fields))
	at := map[string]int{}
	for k, f := range fields {
		names[k] = c.fields[f]
		at[c.fields[f]] = f
	}
	dvr, err := m.snap.DocValueReader(names)
	if err != nil {
		return fmt.Errorf("count facets %v: %w", names, err)
	}
	seen := make([]bool, len(c.fields))
	visit := func(field string, term []byte) {
		f, ok := at[field]
		if !ok {
			return
		}
		counts[f][string(term)]++ // the lookup does not allocate; only a new term's key does
		total[f]++
		seen[f] = true
	}
	id := make(index.IndexInternalID, 8)
	base := m.start(s)
	m.hits[s].each(func(d uint64) {
		if err != nil {
			return
		}
		id.SetValue(base + d)
		for _, f := range fields {
			seen[f] = false
		}
		if err = dvr.VisitDocValues(id, visit); err != nil {
			return
		}
		for _, f := range fields {
			if !seen[f] {
				missing[f]++
			}
		}
	})
	if err != nil {
		return fmt.Errorf("count facets %v: %w", names, err)
	}
	return nil
}

// orInto is how zap segments, all that Bleve writes, hand over a postings
// list as a bitmap.
type orInto interface{ OrInto(*roaring.Bitmap) }

// facet returns the counts of field as a terms facet of its size top
// terms: most frequent first, ties in term order.
func (c *termCounter) facet(field string, size int) *Facet {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := &Facet{Field: field}
	for f, name := range c.fields {
		if name != field {
			continue
		}
		for term, n := range c.counts[f] {
			out.Terms = append(out.Terms, TermCount{Term: term, Count: n})
		}
		sort.Slice(out.Terms, func(a, b int) bool {
			if out.Terms[a].Count != out.Terms[b].Count {
				return out.Terms[a].Count > out.Terms[b].Count
			}
			return out.Terms[a].Term < out.Terms[b].Term
		})
		if len(out.Terms) > size {
			out.Terms = out.Terms[:size]
		}
		out.Total, out.Missing, out.Other = c.total[f], c.missing[f], c.total[f]
		for _, t := range out.Terms {
			out.Other -= t.Count
		}
	}
	return out
}
