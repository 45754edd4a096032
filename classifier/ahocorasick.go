package classifier

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// automaton finds every occurrence of many byte patterns in one pass over
// the text (Aho-Corasick), however many patterns there are.
//
// The shallow states, where a scan spends nearly all its time, have full
// rows over byte classes (bytes no pattern uses share one class), so a byte
// costs one table load there. Deeper states keep their few children in a
// list and fall back along failure links to a dense state. A transition
// value is next<<1 | 1 when next ends a pattern, so the output test costs
// nothing extra.
type automaton struct {
	classes [256]uint8
	width   int
	nDense  int32
	dense   []int32 // rows of the first nDense states
	// full is the whole DFA with pre-multiplied entries, (next*width)<<1 |
	// ends-a-pattern, used when every state fits in the dense table: the
	// scan's cost is the latency of one load per byte, and this saves the
	// multiply on that chain.
	full []uint32
	// rowMagic is 2^64 / width rounded up: the high word of x * rowMagic
	// is x / width for every row offset x, a multiply where a divide
	// would take several times as long.
	rowMagic uint64
	// sparse states: children childClass/childNext[childStart[s]:childStart[s+1]]
	childStart []int32
	childClass []uint8
	childNext  []int32
	fail       []int32
	outStart   []int32 // per state
	outs       []int32 // pattern ids, grouped by state
	patLen     []int32
	maxLen     int
}

// Limits of the automaton: a rule pack that needs more is refused rather
// than allowed to eat memory.
const (
	maxAutomatonStates = 1 << 21
	maxDenseRows       = 32768
)

type acMatch struct {
	pat int32
	end int32 // offset just past the match
}

func buildAutomaton(patterns [][]byte) (*automaton, error) {
	a := &automaton{patLen: make([]int32, len(patterns))}
	var used [256]bool
	for _, p := range patterns {
		for _, c := range p {
			used[c] = true
		}
	}
	w := 1
	for c := range 256 {
		if used[c] {
			if w > 255 {
				return nil, fmt.Errorf("keyword automaton: more than 255 distinct bytes")
			}
			a.classes[c] = uint8(w)
			w++
		}
	}
	// At least two columns, so that rowMagic fits in 64 bits; a column
	// no byte maps to costs nothing.
	w = max(w, 2)
	a.width = w
	a.rowMagic = math.MaxUint64/uint64(w) + 1

	type node struct {
		next  map[uint8]int32
		fail  int32
		depth int32
		out   []int32
	}
	nodes := []node{{}}
	for id, p := range patterns {
		if len(p) == 0 {
			return nil, fmt.Errorf("keyword automaton: pattern %d is empty", id)
		}
		a.patLen[id] = int32(len(p))
		a.maxLen = max(a.maxLen, len(p))
		s := int32(0)
		for _, c := range p {
			cl := a.classes[c]
			nx, ok := nodes[s].next[cl]
			if !ok {
				if len(nodes) >= maxAutomatonStates {
					return nil, fmt.Errorf("keyword automaton: more than %d states; the rule pack has too many keywords", maxAutomatonStates)
				}
				nx = int32(len(nodes))
				nodes = append(nodes, node{depth: nodes[s].depth + 1})
				if nodes[s].next == nil {
					nodes[s].next = map[uint8]int32{}
				}
				nodes[s].next[cl] = nx
			}
			s = nx
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}

	// Breadth-first order gives failure links and lets shallow states be
	// numbered first, so "dense" is a prefix of the ids.
	order := make([]int32, 0, len(nodes))
	order = append(order, 0)
	for qi := 0; qi < len(order); qi++ {
		s := order[qi]
		cls := make([]int, 0, len(nodes[s].next))
		for cl := range nodes[s].next {
			cls = append(cls, int(cl))
		}
		sort.Ints(cls)
		for _, cl := range cls {
			child := nodes[s].next[uint8(cl)]
			if s != 0 {
				f := nodes[s].fail
				for {
					if nx, ok := nodes[f].next[uint8(cl)]; ok {
						nodes[child].fail = nx
						break
					}
					if f == 0 {
						break
					}
					f = nodes[f].fail
				}
			}
			nodes[child].out = append(nodes[child].out, nodes[nodes[child].fail].out...)
			order = append(order, child)
		}
	}
	newID := make([]int32, len(nodes))
	for i, s := range order {
		newID[s] = int32(i)
	}
	// Dense: the root, depth one, and deeper levels while they fit.
	nDense := 0
	for nDense < len(order) {
		d := nodes[order[nDense]].depth
		end := nDense
		for end < len(order) && nodes[order[end]].depth == d {
			end++
		}
		if d > 1 && end > maxDenseRows {
			break
		}
		nDense = end
	}
	a.nDense = int32(nDense)

	enc := func(old int32) int32 {
		v := newID[old] << 1
		if len(nodes[old].out) > 0 {
			v |= 1
		}
		return v
	}
	a.fail = make([]int32, len(nodes))
	a.childStart = make([]int32, len(nodes)+1)
	a.outStart = make([]int32, len(nodes)+1)
	for i, old := range order {
		a.fail[i] = newID[nodes[old].fail]
		a.childStart[i] = int32(len(a.childClass))
		cls := make([]int, 0, len(nodes[old].next))
		for cl := range nodes[old].next {
			cls = append(cls, int(cl))
		}
		sort.Ints(cls)
		for _, cl := range cls {
			a.childClass = append(a.childClass, uint8(cl))
			a.childNext = append(a.childNext, enc(nodes[old].next[uint8(cl)]))
		}
		a.outStart[i] = int32(len(a.outs))
		a.outs = append(a.outs, nodes[old].out...)
	}
	a.childStart[len(order)] = int32(len(a.childClass))
	a.outStart[len(order)] = int32(len(a.outs))

	// Dense rows, in breadth-first order so a failure target's row (always
	// shallower) is complete before it is copied.
	a.dense = make([]int32, nDense*w)
	for i := 0; i < nDense; i++ {
		row := a.dense[i*w : i*w+w]
		if i != 0 {
			f := int(a.fail[i])
			copy(row, a.dense[f*w:f*w+w])
		}
		for k := a.childStart[i]; k < a.childStart[i+1]; k++ {
			row[a.childClass[k]] = a.childNext[k]
		}
	}
	if nDense == len(order) {
		a.full = make([]uint32, len(a.dense))
		for i, v := range a.dense {
			a.full[i] = uint32(v>>1)*uint32(w)<<1 | uint32(v&1)
		}
		a.dense = nil
	}
	return a, nil
}

// step follows class cl from a sparse state s, returning the encoded next
// state.
func (a *automaton) step(s int32, cl uint8) int32 {
	for {
		if s < a.nDense {
			return a.dense[int(s)*a.width+int(cl)]
		}
		for k := a.childStart[s]; k < a.childStart[s+1]; k++ {
			if a.childClass[k] == cl {
				return a.childNext[k]
			}
		}
		s = a.fail[s]
	}
}

// scan appends every match in text to dst, in the order the matches end,
// stopping after limit matches, and reports whether it stopped early.
func (a *automaton) scan(text []byte, dst []acMatch, limit int) ([]acMatch, bool) {
	var sc scanScratch
	return a.scanWith(text, dst, limit, &sc)
}

// streams is how many parts of a long text the scan reads at once.
const streams = 4

// scanScratch holds the matches of the later streams until the earlier
// ones are done, so that callers that scan often allocate nothing.
type scanScratch struct {
	tails [streams - 1][]acMatch
	parts fourParts
	// filter, when set, drops the matches whose word boundaries do not
	// hold as they are found; raw counts them all.
	filter *boundFilter
	raw    int
}

// boundFilter is the text scanned, and what emit needs to check a
// match's word boundaries in it.
type boundFilter struct {
	text []byte
	hot  []patternHot
}

// scanWith is scan with scratch buffers.
func (a *automaton) scanWith(text []byte, dst []acMatch, limit int, sc *scanScratch) ([]acMatch, bool) {
	if a.full != nil {
		return a.scanFull(text, dst, limit, sc)
	}
	dense, classes, w, nDense := a.dense, &a.classes, a.width, a.nDense
	v := int32(0)
	for i := 0; i < len(text); i++ {
		cl := classes[text[i]]
		if s := v >> 1; s < nDense {
			v = dense[int(s)*w+int(cl)]
		} else {
			v = a.step(s, cl)
		}
		if v&1 == 0 {
			continue
		}
		var stop bool
		if dst, stop = a.emitState(dst, int(v>>1), i, limit, sc); stop {
			return dst, true
		}
	}
	return dst, false
}

// scanFull is scan when every state is dense. The scan's cost is the
// latency of one table load per byte, each load waiting for the one
// before, so a text is cut into four parts read side by side: the loads
// of the parts overlap, and four parts run about twice as fast as one.
//
// Each part after the first starts maxLen-1 bytes early, reading them
// without reporting: by its own first byte it is in the state a single
// scan would be in, since no state is deeper than the longest pattern.
// The first part is that much longer than the others, so all four read
// the same number of bytes. Matches of later parts wait in sc until the
// earlier parts' are out, so they come out in order.
func (a *automaton) scanFull(text []byte, dst []acMatch, limit int, sc *scanScratch) ([]acMatch, bool) {
	full, classes := a.full, &a.classes
	n := len(text)
	ov := a.maxLen - 1
	if n < ov+64 {
		return a.scanFullFrom(text, 0, 0, dst, limit, sc)
	}
	l := (n - ov) / streams // each later part's length
	s1, s2, s3 := n-3*l, n-2*l, n-l
	// The parts as read, the later ones with their lead-in, all of
	// length ov+l, so one bounds check per loop covers all four.
	p0, p1, p2, p3 := text[:ov+l], text[s1-ov:s2], text[s2-ov:s3], text[s3-ov:]
	// The later parts keep one match more than the limit, so that a
	// part with too many still stops the scan when they are joined.
	t1, t2, t3 := sc.tails[0][:0], sc.tails[1][:0], sc.tails[2][:0]
	d1, d2, d3 := s1-ov, s2-ov, s3-ov // where the later parts are read from
	ps := &sc.parts
	*ps = fourParts{full: full, classes: classes, p0: p0, p1: p1[:len(p0)], p2: p2[:len(p0)], p3: p3[:len(p0)]}
	var v0, v1, v2, v3 uint32
	for i := 0; ; i++ {
		i, v0, v1, v2, v3 = ps.run(i, v0, v1, v2, v3)
		if i >= len(p0) {
			break
		}
		if v0&1 != 0 {
			var stop bool
			if dst, stop = a.emit(dst, v0, i, limit, sc); stop {
				return dst, true
			}
		}
		if i < ov {
			continue // the later parts' lead-in
		}
		if v1&1 != 0 {
			t1, _ = a.emit(t1, v1, d1+i, limit+1, sc)
		}
		if v2&1 != 0 {
			t2, _ = a.emit(t2, v2, d2+i, limit+1, sc)
		}
		if v3&1 != 0 {
			t3, _ = a.emit(t3, v3, d3+i, limit+1, sc)
		}
	}
	sc.tails = [streams - 1][]acMatch{t1, t2, t3}
	// The first part's last few bytes, left when n-ov is not a multiple
	// of four.
	var stop bool
	if dst, stop = a.scanFullFrom(text[:s1], ov+l, v0, dst, limit, sc); stop {
		return dst, true
	}
	for _, tail := range sc.tails {
		for _, m := range tail {
			if len(dst) >= limit {
				return dst, true
			}
			dst = append(dst, m)
		}
	}
	return dst, false
}

// fourParts are the four parts of a text that scanFull reads side by
// side, all of the same length, with the table they are read with.
type fourParts struct {
	full           []uint32
	classes        *[256]uint8
	p0, p1, p2, p3 []byte
}

// run reads byte i on of the four parts, each from its state, until one
// of them is in a state that ends a pattern: it returns that byte's
// index and the four states, or the parts' length.
//
// It is a function of its own, taking the parts by pointer, so that its
// few variables all stay in registers and a call costs little: inlined
// into the scan, with the matches' bookkeeping beside it, the states
// were kept in memory, and each load waited on a store.
//
//go:noinline
func (ps *fourParts) run(i int, v0, v1, v2, v3 uint32) (int, uint32, uint32, uint32, uint32) {
	full, classes := ps.full, ps.classes
	p0 := ps.p0
	p1, p2, p3 := ps.p1[:len(p0)], ps.p2[:len(p0)], ps.p3[:len(p0)]
	for ; i < len(p0); i++ {
		v0 = full[v0>>1+uint32(classes[p0[i]])]
		v1 = full[v1>>1+uint32(classes[p1[i]])]
		v2 = full[v2>>1+uint32(classes[p2[i]])]
		v3 = full[v3>>1+uint32(classes[p3[i]])]
		if (v0|v1|v2|v3)&1 != 0 {
			return i, v0, v1, v2, v3
		}
	}
	return i, v0, v1, v2, v3
}

// scanFullFrom scans text[from:] from encoded state v, one stream.
func (a *automaton) scanFullFrom(text []byte, from int, v uint32, dst []acMatch, limit int, sc *scanScratch) ([]acMatch, bool) {
	full, classes := a.full, &a.classes
	for i := from; i < len(text); i++ {
		v = full[v>>1+uint32(classes[text[i]])]
		if v&1 == 0 {
			continue
		}
		var stop bool
		if dst, stop = a.emit(dst, v, i, limit, sc); stop {
			return dst, true
		}
	}
	return dst, false
}

// emit appends the patterns encoded state v ends, which end at text[i];
// it stops at limit. With a filter in sc, matches whose word boundaries do
// not hold are counted and dropped.
func (a *automaton) emit(dst []acMatch, v uint32, i, limit int, sc *scanScratch) ([]acMatch, bool) {
	s, _ := bits.Mul64(uint64(v>>1), a.rowMagic)
	return a.emitState(dst, int(s), i, limit, sc)
}

// emitState is emit for state s, by number.
func (a *automaton) emitState(dst []acMatch, s, i, limit int, sc *scanScratch) ([]acMatch, bool) {
	outs := a.outs[a.outStart[s]:a.outStart[s+1]]
	f := sc.filter
	if f != nil {
		sc.raw += len(outs)
	}
	end := i + 1
	for _, p := range outs {
		if f != nil {
			// The word boundaries, in line for the ASCII bytes around
			// nearly every match.
			h := f.hot[p]
			if start := end - int(h.len); h.left && start > 0 {
				if k := byteKind[f.text[start-1]]; k == kindWord || k == kindOther && wordRuneBefore(f.text, start) {
					continue
				}
			}
			if h.right && end < len(f.text) {
				if k := byteKind[f.text[end]]; k == kindWord || k == kindOther && wordRuneAt(f.text, end) {
					continue
				}
			}
		}
		if len(dst) >= limit {
			return dst, true
		}
		dst = append(dst, acMatch{pat: p, end: int32(end)})
	}
	return dst, false
}

// Kinds of byte for the word-boundary test: an ASCII letter or digit, an
// ASCII byte that is neither, or a byte of a longer rune, which must be
// decoded.
const (
	kindSpace = iota
	kindWord
	kindOther
)

var byteKind = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= 0x80:
			t[c] = kindOther
		case isASCIIAlnum(byte(c)):
			t[c] = kindWord
		}
	}
	return t
}()

// states is the automaton's size, for metrics.
func (a *automaton) states() int { return len(a.fail) }
