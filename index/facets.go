package index

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// facetCounter counts the facets of one search. Bleve counts a facet by
// reading every matching ad's doc values, decompressing them, and adding
// each value to a map under a freshly allocated string: for a word in every
// ad, most of a query's time. facetCounter instead marks the matches of each
// segment in a bitset while Bleve collects them, and at the end of the
// shard's collection counts their values in the segment's value table (see
// valueTable).
//
// The counts are those of Bleve's facets: a terms facet's Total is the
// number of values of matching ads, a range facet's the number of values
// in a range (once per range holding it), and Missing is the number of
// matching ads without a value. They are exact across shards, where Bleve
// sums each shard's top terms.
type facetCounter struct {
	fields []string
	tables *valueTables

	mu      sync.Mutex
	counts  []map[string]int // by field, as fields; by term (prefix coded for numbers and dates)
	missing []int
}

func newFacetCounter(fields []string, tables *valueTables) *facetCounter {
	c := &facetCounter{fields: fields, tables: tables, counts: make([]map[string]int, len(fields)), missing: make([]int, len(fields))}
	for k := range c.counts {
		c.counts[k] = map[string]int{}
	}
	return c
}

// withCounting returns ctx set up to have c count the matches of a search
// run with it.
func (c *facetCounter) withCounting(ctx context.Context) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(c.handler))
}

// handler is called by each shard's collector at the start of its
// collection; the handler it returns sees every match, then nil at the end,
// while the shard's snapshot is still open.
func (c *facetCounter) handler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	if next == nil {
		return nil, false, fmt.Errorf("count facets: collector %T is not Bleve's top-n collector", sctx.Collector)
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

// count adds the values of the matches in m.
func (c *facetCounter) count(m *matchSet) error {
	byValue := make([][]int, len(c.fields)) // one segment's counts, by the index of the value in its table
	tables := make([]*valueTable, len(c.fields))
	missing := make([]int, len(c.fields))
	counts := make([]map[string]int, len(c.fields))
	for f := range counts {
		counts[f] = map[string]int{}
	}
	for s, hits := range m.hits {
		if hits == nil {
			continue
		}
		seg := m.segs[s].Segment()
		for f, field := range c.fields {
			t, err := c.tables.get(seg, field)
			if err != nil {
				return fmt.Errorf("count facet %s: %w", field, err)
			}
			tables[f] = t
			if cap(byValue[f]) < len(t.terms) {
				byValue[f] = make([]int, len(t.terms))
			}
			byValue[f] = byValue[f][:len(t.terms)]
			clear(byValue[f])
		}
		for f, t := range tables {
			n := byValue[f]
			hits.each(func(d uint64) {
				from, to := t.start[d], t.start[d+1]
				if from == to {
					missing[f]++
				}
				for _, v := range t.values[from:to] {
					n[v]++
				}
			})
			for v, k := range n {
				if k > 0 {
					counts[f][t.terms[v]] += k
				}
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for f := range c.fields {
		for term, n := range counts[f] {
			c.counts[f][term] += n
		}
		c.missing[f] += missing[f]
	}
	return nil
}

func (c *facetCounter) at(field string) int { return slices.Index(c.fields, field) }

// terms returns the values of field as a terms facet of its size most
// frequent, ties in term order.
func (c *facetCounter) terms(field string, size int) *Facet {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.at(field)
	out := &Facet{Field: field, Missing: c.missing[f]}
	for term, n := range c.counts[f] {
		out.Terms = append(out.Terms, TermCount{Term: term, Count: n})
		out.Total += n
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
	out.Other = out.Total
	for _, t := range out.Terms {
		out.Other -= t.Count
	}
	return out
}

// ranges returns the values of a number or date field counted into n
// ranges, in(v, k) telling whether value v (as Bleve codes numbers and
// dates into an int64) lies in range k. Only the counts of its Ranges are
// set.
func (c *facetCounter) ranges(field string, n int, in func(v int64, k int) bool) *Facet {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.at(field)
	out := &Facet{Field: field, Missing: c.missing[f], Ranges: make([]Range, n)}
	for term, count := range c.counts[f] {
		v, err := numeric.PrefixCoded(term).Int64()
		if err != nil {
			continue // cannot be: the table keeps whole values only
		}
		for k := range out.Ranges {
			if in(v, k) {
				out.Ranges[k].Count += count
				out.Total += count
			}
		}
	}
	return out
}

// matchSet is the matches of one shard's snapshot: a bitset of local
// document numbers per segment.
type matchSet struct {
	segs []*scorch.SegmentSnapshot
	// ends[k] is one past the last global document number of segment k.
	// Scorch numbers a snapshot's documents segment after segment, each
	// segment taking as many numbers as it holds documents, deleted ones
	// included.
	ends []uint64
	hits []bitset // nil for a segment without matches
	cur  int
}

func newMatchSet(snap *scorch.IndexSnapshot) *matchSet {
	segs := snap.Segments()
	m := &matchSet{segs: segs, ends: make([]uint64, len(segs)), hits: make([]bitset, len(segs))}
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
		m.hits[m.cur] = make(bitset, (m.ends[m.cur]-m.start(m.cur)+63)/64)
	}
	m.hits[m.cur].set(doc - m.start(m.cur))
}

func (m *matchSet) start(seg int) uint64 {
	if seg == 0 {
		return 0
	}
	return m.ends[seg-1]
}

// bitset is a set of a segment's document numbers.
type bitset []uint64

func (b bitset) set(k uint64) { b[k/64] |= 1 << (k % 64) }

// each calls fn with every member of b, in order.
func (b bitset) each(fn func(uint64)) {
	for k, w := range b {
		for w != 0 {
			fn(uint64(k*64 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

// valueTable is one field of one segment turned around: for each
// document, the values it holds, as indexes into terms. It is built once
// from the field's postings, then counting a match's values is reading a
// few numbers. Segments never change, so a table stays right for as long as
// its segment lives. It costs four bytes a document and four a value.
//
// A number or date is indexed as several terms, its value at several
// precisions; the table keeps the whole value only.
type valueTable struct {
	terms []string
	// The values of document d are values[start[d]:start[d+1]].
	start  []uint32
	values []uint32
}

func buildValueTable(seg segment.Segment, field string) (*valueTable, error) {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return nil, err
	}
	t := &valueTable{start: make([]uint32, seg.Count()+1)}
	var postings []*roaring.Bitmap
	it := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	for {
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		if numberField(field) && !wholeNumber(e.Term) {
			continue
		}
		if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
			return nil, err
		}
		o, ok := pl.(orInto)
		if !ok {
			return nil, fmt.Errorf("postings list %T holds no bitmap", pl)
		}
		b := roaring.New()
		o.OrInto(b)
		t.terms = append(t.terms, e.Term)
		postings = append(postings, b)
	}
	// Count the values of each document, place each document's run, then
	// fill the runs in term order.
	for _, b := range postings {
		b.Iterate(func(d uint32) bool {
			t.start[d+1]++
			return true
		})
	}
	for d := 1; d < len(t.start); d++ {
		t.start[d] += t.start[d-1]
	}
	t.values = make([]uint32, t.start[len(t.start)-1])
	next := append([]uint32(nil), t.start[:len(t.start)-1]...)
	for v, b := range postings {
		b.Iterate(func(d uint32) bool {
			t.values[next[d]] = uint32(v)
			next[d]++
			return true
		})
	}
	return t, nil
}

func numberField(f string) bool {
	switch f {
	case fieldSalary, fieldScore, fieldTimesSeen, fieldPosted, fieldFirstSeen, fieldLastSeen:
		return true
	}
	return false
}

// wholeNumber reports whether term is a number or date coded at full
// precision (shifted by 0 bits).
func wholeNumber(term string) bool {
	return len(term) > 0 && term[0] == numeric.ShiftStartInt64
}

// orInto is how zap segments, all that Bleve writes, hand over a postings
// list as a bitmap.
type orInto interface{ OrInto(*roaring.Bitmap) }

// valueTables keeps the value tables of the segments searched with facets.
// A table belongs to a segment, not to a query: every faceted search of the
// segment reads the same one. Segments merged away stop being asked for, and
// their tables are dropped.
type valueTables struct {
	mu     sync.Mutex
	tables map[tableKey]*tableEntry
	uses   uint64 // lookups so far, the clock of lastUse
	idle   uint64 // how many lookups a table may go unasked before it is dropped
}

type tableKey struct {
	seg   segment.Segment
	field string
}

type tableEntry struct {
	once    sync.Once
	table   *valueTable
	err     error
	lastUse uint64
}

// tableIdle is how many lookups a table may go without being asked for
// before it is dropped: many more than any one search makes, for all its
// shards' segments and fields.
const tableIdle = 1 << 16

func newValueTables() *valueTables {
	return &valueTables{tables: map[tableKey]*tableEntry{}, idle: tableIdle}
}

// get returns the table of field in seg, building it on first use.
func (v *valueTables) get(seg segment.Segment, field string) (*valueTable, error) {
	k := tableKey{seg, field}
	v.mu.Lock()
	v.uses++
	e := v.tables[k]
	if e == nil {
		e = &tableEntry{}
		v.tables[k] = e
	}
	e.lastUse = v.uses
	if v.uses%v.idle == 0 {
		for k, old := range v.tables {
			if v.uses-old.lastUse >= v.idle {
				delete(v.tables, k)
			}
		}
	}
	v.mu.Unlock()
	e.once.Do(func() { e.table, e.err = buildValueTable(seg, field) })
	if e.err != nil {
		v.mu.Lock()
		if v.tables[k] == e {
			delete(v.tables, k) // to be tried again
		}
		v.mu.Unlock()
	}
	return e.table, e.err
}
