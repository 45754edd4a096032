package classifier

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
)

// automaton finds every occurrence of many byte patterns in one pass over
// the text (Aho-Corasick), however many patterns there are.
//
// When the pack has at most maxFullStates states, which every pack so far
// has, the whole DFA is one table of uint16 state numbers (full): a byte
// costs one table load. Bigger packs keep full rows over byte classes
// only for the shallow states (dense); deeper states keep their few
// children in a list and fall back along failure links to a dense state.
type automaton struct {
	classes [256]uint8 // bytes no pattern has are class 0
	width   int        // classes
	nStates int

	// full holds the next state of state s on byte b at col[b]+s: a
	// class's entries for all states side by side (see
	// buildBoundedAutomaton). States are numbered so that those that end
	// a pattern come last, from firstOut on: the test for a match is one
	// comparison. depth[s] is the length of state s's string, and one
	// more when it starts at a word start (see wordStarts). The parts of
	// a text after the first start in state partStart.
	full      []uint16
	col       [256]uint32
	firstOut  uint16
	depth     []int32
	partStart uint16

	// The sparse form. A transition value is next<<1 | 1 when next ends
	// a pattern. The rows of the first nDense states are in dense;
	// the others' children are
	// childClass/childNext[childStart[s]:childStart[s+1]].
	nDense     int32
	dense      []int32
	childStart []int32
	childClass []uint8
	childNext  []int32
	fail       []int32

	// The patterns state s ends are first[s-outBase], then, when it
	// has more, outs[outStart[s-outBase]:outStart[s-outBase+1]]; in the
	// full form only the states from firstOut on have any, and only they
	// are listed. Nearly every state that ends a pattern ends one: it is
	// read with one load.
	outBase  int
	first    []outEntry
	outStart []int32
	outs     []outEntry
}

// outEntry is a pattern a state ends, with what a scan needs to check
// the match's word boundaries: in line, a match costs no load more than
// its state's list.
type outEntry struct {
	pat    int32
	len    uint16
	bounds uint8 // boundLeft, boundRight
	more   bool  // in first: the state ends more patterns
}

// The word boundaries a pattern's matches need.
const (
	boundLeft = 1 << iota
	boundRight
)

// Limits of the automaton: a rule pack that needs more is refused rather
// than allowed to eat memory.
const (
	maxAutomatonStates = 1 << 21
	maxDenseRows       = 32768
	// maxFullStates is as many states as a uint16 can number.
	maxFullStates = 1 << 16
)

type acMatch struct {
	pat int32
	end int32 // offset just past the match
}

// buildBoundedAutomaton builds the automaton of patterns; bounds, when
// not nil, are the word boundaries each pattern's matches need (see
// scanScratch.boundsIn). Its scans never report a match whose left
// boundary the state it ends in already shows fails, a letter or digit
// inside the state's own string, and, when the full table is built, one
// that follows an ASCII letter or digit; whether the rest hold is for
// the scan or its caller to check.
func buildBoundedAutomaton(patterns [][]byte, bounds []uint8) (*automaton, error) {
	if bounds != nil && len(bounds) != len(patterns) {
		return nil, fmt.Errorf("keyword automaton: %d patterns, %d word boundaries", len(patterns), len(bounds))
	}
	if bounds != nil {
		if a, err := buildAutomatonWith(patterns, bounds, true); err != nil || a != nil {
			return a, err
		}
	}
	return buildAutomatonWith(patterns, bounds, false)
}

// buildAutomatonWith is buildBoundedAutomaton; with wordStarts, it
// builds the full table only, aware of where ASCII words start, or
// returns nil when that table would have too many states.
//
// wordStarts: a match of a keyword that needs a word boundary on its left
// is no match after an ASCII letter or digit ("rs" in "hours", "je" in
// "object"), yet a plain automaton stops for each, a fifth of all its
// stops, because its state does not know the byte before the keyword.
// So the automaton reads the text as if a mark stood before each ASCII
// letter or digit that follows a byte that is not one, or starts the
// text, and such keywords start with that mark: "years" reads as
// "#years", "the rs" as "#the #rs", and only the second holds "#rs".
// The mark is read with the byte after it, in the same step: whether it
// stands there is known from the state, whose string ends with the byte
// before, but for the root, which is two states, one after a letter or
// digit and one after anything else. A mark also stands after a byte of
// a longer rune, so keywords after a letter of another script are still
// found, and checked as they are now.
func buildAutomatonWith(patterns [][]byte, bounds []uint8, wordStarts bool) (*automaton, error) {
	a := &automaton{}
	var used [256]bool
	for _, p := range patterns {
		for _, c := range p {
			used[c] = true
		}
	}
	if wordStarts {
		// Whether a mark goes before a byte depends on its class: the
		// letters and digits need classes of their own.
		for c := range 128 {
			used[c] = used[c] || isASCIIAlnum(byte(c))
		}
	}
	w := 1
	var alnumClass [256]bool
	for c := range 256 {
		if used[c] {
			if w > 255 {
				if wordStarts {
					return nil, nil
				}
				return nil, fmt.Errorf("keyword automaton: more than 255 distinct bytes")
			}
			a.classes[c] = uint8(w)
			alnumClass[w] = isASCIIAlnum(byte(c))
			w++
		}
	}
	a.width = w
	// The mark's class, which no byte has.
	mark := uint8(w)
	if wordStarts && w > 255 {
		return nil, nil
	}

	nodes := []trieNode{{}}
	for id, p := range patterns {
		if len(p) == 0 {
			return nil, fmt.Errorf("keyword automaton: pattern %d is empty", id)
		}
		if len(p) > math.MaxUint16 {
			return nil, fmt.Errorf("keyword automaton: pattern %d is longer than %d bytes", id, math.MaxUint16)
		}
		s := int32(0)
		add := func(cl uint8) error {
			nx, ok := nodes[s].next[cl]
			if !ok {
				if len(nodes) >= maxAutomatonStates {
					return fmt.Errorf("keyword automaton: more than %d states; the rule pack has too many keywords", maxAutomatonStates)
				}
				nx = int32(len(nodes))
				parent := nodes[s]
				nd := trieNode{depth: parent.depth + 1, from: int32(id), real: parent.real, lead: parent.lead || s == 0 && cl == mark, last: cl}
				if cl != mark {
					nd.real++
				}
				nodes = append(nodes, nd)
				if nodes[s].next == nil {
					nodes[s].next = map[uint8]int32{}
				}
				nodes[s].next[cl] = nx
			}
			s = nx
			return nil
		}
		for j, c := range p {
			if wordStarts && isASCIIAlnum(c) && (j == 0 && bounds[id]&boundLeft != 0 || j > 0 && !isASCIIAlnum(p[j-1])) {
				if err := add(mark); err != nil {
					return nil, err
				}
			}
			if err := add(a.classes[c]); err != nil {
				return nil, err
			}
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}
	a.nStates = len(nodes)

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
			nd := &nodes[child]
			nd.out = append(nd.out, nodes[nd.fail].out...)
			if bounds != nil {
				// A pattern this state ends that is shorter than its
				// string has the string's bytes before it: when they end
				// in a letter or digit, a match that needs a word boundary
				// on its left never holds here ("our" in "your"). Known
				// now, it is dropped now, so the scan does not stop for
				// it. (The failure target's list was cut the same way,
				// and its string ends this one's, so nothing it dropped
				// could hold here.)
				str := patterns[nd.from][:nd.real]
				nd.out = slices.DeleteFunc(nd.out, func(p int32) bool {
					start := len(str) - len(patterns[p])
					return bounds[p]&boundLeft != 0 && start > 0 && wordRuneBefore(str, start)
				})
			}
			order = append(order, child)
		}
	}
	newID := make([]int32, len(nodes))
	if wordStarts {
		return a.fillWordStarts(nodes, order, mark, alnumClass[:w], patterns, bounds), nil
	}
	if len(nodes) <= maxFullStates {
		// The states that end no pattern first, then those that do, each
		// in breadth-first order.
		k := int32(0)
		for _, s := range order {
			if len(nodes[s].out) == 0 {
				newID[s], k = k, k+1
			}
		}
		a.firstOut = uint16(k)
		for _, s := range order {
			if len(nodes[s].out) > 0 {
				newID[s], k = k, k+1
			}
		}
		// Column-major: the entries of one byte class for all states
		// side by side, col[b] the start of byte b's. A scan of text in
		// one script reads few classes, and the entries of the shallow
		// states, where it spends nearly all its time, fill a few pages
		// of each: rows by state would spread them over a page each.
		n := len(nodes)
		a.full = make([]uint16, n*w)
		for c := range 256 {
			a.col[c] = uint32(int(a.classes[c]) * n)
		}
		a.depth = make([]int32, n)
		outs := make([][]int32, n)
		// States in breadth-first order, so a failure target's entries
		// (always shallower) are complete before they are copied.
		for _, old := range order {
			s := int(newID[old])
			if old != 0 {
				f := int(newID[nodes[old].fail])
				for c := 0; c < w; c++ {
					a.full[c*n+s] = a.full[c*n+f]
				}
			}
			for cl, next := range nodes[old].next {
				a.full[int(cl)*n+s] = uint16(newID[next])
			}
			a.depth[s] = nodes[old].depth
			outs[s] = nodes[old].out
		}
		a.outBase = int(a.firstOut)
		a.setOuts(outs[a.outBase:], patterns, bounds)
		return a, nil
	}

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
	outs := make([][]int32, len(nodes))
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
		outs[i] = nodes[old].out
	}
	a.childStart[len(order)] = int32(len(a.childClass))
	a.setOuts(outs, patterns, bounds)

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
	return a, nil
}

// trieNode is a state of the automaton as it is built.
type trieNode struct {
	next  map[uint8]int32
	fail  int32
	depth int32
	out   []int32
	// The state's string is the first depth symbols of pattern from's,
	// bytes and word-start marks (see buildAutomatonWith); its bytes are
	// patterns[from][:real]. lead is set when it starts with a mark, and
	// last is the class of its last symbol.
	from, real int32
	lead       bool
	last       uint8
}

// fillWordStarts fills the full table of a trie built with word-start
// marks, or returns nil when its states do not fit it. A state is a node
// whose string ends with a byte, or the root, which is two: the one
// after a letter or digit is partStart, where parts of a text after the
// first start (a mark before their first byte may not be in the text).
// A state that reads a letter or digit after a byte that is neither
// reads the mark first.
func (a *automaton) fillWordStarts(nodes []trieNode, order []int32, mark uint8, alnum []bool, patterns [][]byte, bounds []uint8) *automaton {
	w := a.width
	sym := w + 1
	// The trie's own moves on every class and the mark, a row for each
	// node, each from its failure target's, which breadth-first order
	// has filled already.
	g := make([]int32, len(nodes)*sym)
	for _, s := range order {
		row := g[int(s)*sym : int(s)*sym+sym]
		if s != 0 {
			f := int(nodes[s].fail)
			copy(row, g[f*sym:f*sym+sym])
		}
		for cl, next := range nodes[s].next {
			row[cl] = next
		}
	}
	resting := func(s int32) bool { return s == 0 || nodes[s].last != mark }
	// The states that end no pattern first, the root after a letter or
	// digit right after the root, then those that do.
	newID := make([]int32, len(nodes))
	k := int32(0)
	for _, s := range order {
		if resting(s) && len(nodes[s].out) == 0 {
			newID[s], k = k, k+1
			if s == 0 {
				k++
			}
		}
	}
	firstOut := k
	for _, s := range order {
		if resting(s) && len(nodes[s].out) > 0 {
			newID[s], k = k, k+1
		}
	}
	n := int(k)
	if n > maxFullStates {
		return nil
	}
	const rootAfterWord = 1
	a.nStates, a.firstOut, a.outBase, a.partStart = n, uint16(firstOut), int(firstOut), rootAfterWord
	a.full = make([]uint16, n*w)
	for c := range 256 {
		a.col[c] = uint32(int(a.classes[c]) * n)
	}
	fill := func(id int, s int32, afterWord bool) {
		for cl := range w {
			t := g[int(s)*sym+cl]
			if alnum[cl] && !afterWord {
				t = g[int(g[int(s)*sym+int(mark)])*sym+cl]
			}
			next := newID[t]
			if t == 0 && alnum[cl] {
				next = rootAfterWord
			}
			a.full[cl*n+id] = uint16(next)
		}
	}
	a.depth = make([]int32, n)
	outs := make([][]int32, n)
	for _, s := range order {
		if !resting(s) {
			continue
		}
		id := int(newID[s])
		fill(id, s, s != 0 && alnum[nodes[s].last])
		a.depth[id] = nodes[s].real + int32(b2u(nodes[s].lead))
		outs[id] = nodes[s].out
	}
	fill(rootAfterWord, 0, true)
	a.setOuts(outs[a.outBase:], patterns, bounds)
	return a
}

// setOuts lists the patterns each state ends, from state outBase on.
func (a *automaton) setOuts(outs [][]int32, patterns [][]byte, bounds []uint8) {
	entry := func(p int32) outEntry {
		e := outEntry{pat: p, len: uint16(len(patterns[p]))}
		if bounds != nil {
			e.bounds = bounds[p]
		}
		return e
	}
	a.first = make([]outEntry, len(outs))
	a.outStart = make([]int32, len(outs)+1)
	for s, o := range outs {
		a.outStart[s] = int32(len(a.outs))
		if len(o) == 0 {
			continue
		}
		a.first[s] = entry(o[0])
		a.first[s].more = len(o) > 1
		for _, p := range o[1:] {
			a.outs = append(a.outs, entry(p))
		}
	}
	a.outStart[len(outs)] = int32(len(a.outs))
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

// streams is how many parts of a long text the scan reads at once: six
// were faster on the eval corpora than four or eight, whose variables
// the compiler no longer keeps all in registers. parts.run has a
// variable for each.
const streams = 6

// scanScratch holds the matches of the later streams until the earlier
// ones are done, so that callers that scan often allocate nothing.
type scanScratch struct {
	tails [streams - 1][]acMatch
	fix   []acMatch
	parts parts
	// boundsIn, when set, is the text scanned: matches whose word
	// boundaries do not hold in it are dropped as they are found. raw
	// counts them all, but for those the automaton dropped when it was
	// built.
	boundsIn []byte
	raw      int
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

// minSplit is the shortest text scanFull cuts in parts: below it the
// parts' mending would cost more than reading them side by side saves.
const minSplit = 64

// scanFull is scan with the full table. The scan's cost is the latency of
// one table load per byte, each load waiting for the one before, so a
// text is cut into parts of the same length read side by side: the loads
// of the parts overlap.
//
// Each part after the first starts at the root, where a single pass may
// be deeper. That pass would be in the same state as the part as soon as
// its state is no longer than what the part has read: from there on the
// part is right. So once the parts are read, each later part is read
// again from its start in the state the part before ended in, only until
// the two agree, a few bytes as a rule, and the matches of those bytes
// replace the part's own. Starting the parts early instead, by the
// longest keyword's length, would read a long keyword's worth of bytes
// more for each part of every text.
//
// Matches of later parts wait in sc until the earlier parts' are out, so
// they come out in order.
func (a *automaton) scanFull(text []byte, dst []acMatch, limit int, sc *scanScratch) ([]acMatch, bool) {
	n := len(text)
	if n < minSplit {
		return a.scanFullFrom(text, 0, 0, dst, limit, sc)
	}
	l := n / streams
	// The later parts keep one match more than the limit, so that a
	// part with too many still stops the scan when they are joined.
	tails := &sc.tails
	for k := range tails {
		tails[k] = tails[k][:0]
	}
	ps := &sc.parts
	ps.full, ps.col, ps.out = a.full, &a.col, a.firstOut
	for k := range ps.p {
		ps.p[k] = text[k*l : (k+1)*l]
	}
	out := a.firstOut
	var v [streams]uint16
	for k := 1; k < streams; k++ {
		v[k] = a.partStart
	}
	for i := 0; ; i++ {
		if i = ps.run(i, &v); i >= l {
			break
		}
		// The parts in states that end a pattern, found without a
		// branch for each.
		var ended uint
		for k, s := range v {
			ended |= uint(b2u(s >= out)) << k
		}
		if ended&1 != 0 {
			var stop bool
			if dst, stop = a.emitState(dst, int(v[0]), i, limit, sc); stop {
				return dst, true
			}
		}
		for ended &^= 1; ended != 0; ended &= ended - 1 {
			k := bits.TrailingZeros(ended)
			tails[k-1], _ = a.emitState(tails[k-1], int(v[k]), k*l+i, limit+1, sc)
		}
	}

	// Mend the start of each later part. fix[fixAt[k-1]:fixAt[k]] are
	// the matches that replace part k's first drop[k-1].
	truth := v[0] // the state a single pass is in at the end of the part before
	fix := sc.fix[:0]
	var fixAt [streams]int
	var drop [streams - 1]int
	for k := 1; k < streams; k++ {
		start, end := k*l, (k+1)*l
		s, j := truth, start
		synced := s == a.partStart
		for ; !synced && j < end; j++ {
			s = a.full[uint(s)+uint(a.col[text[j]])]
			if s >= out {
				fix, _ = a.emitState(fix, int(s), j, limit+1, sc)
			}
			synced = int(a.depth[s]) <= j+1-start
		}
		fixAt[k] = len(fix)
		tail := tails[k-1]
		d := 0
		for d < len(tail) && int(tail[d].end) <= j {
			d++
		}
		drop[k-1] = d
		truth = v[k]
		if !synced {
			truth = s
		}
	}
	sc.fix = fix
	for k, tail := range tails {
		for _, part := range [2][]acMatch{fix[fixAt[k]:fixAt[k+1]], tail[drop[k]:]} {
			for _, m := range part {
				if len(dst) >= limit {
					return dst, true
				}
				dst = append(dst, m)
			}
		}
	}
	// The last few bytes, left when n is not a multiple of the parts.
	return a.scanFullFrom(text, streams*l, truth, dst, limit, sc)
}

// parts are the parts of a text that scanFull reads side by side, all
// of the same length, with the table they are read with.
type parts struct {
	full []uint16
	col  *[256]uint32
	out  uint16
	p    [streams][]byte
}

// run reads byte i on of the parts, each from its state in v, until one
// of them is in a state that ends a pattern: it returns that byte's
// index, with the states in v, or the parts' length.
//
// It is a function of its own, taking the parts by pointer, so that the
// states all stay in registers and a call costs little: inlined into the
// scan, with the matches' bookkeeping beside it, the states were kept in
// memory, and each load waited on a store. (Noting the matches without a
// branch, to go on reading past them, or storing every state to look for
// them after, was slower still: the compiler keeps fewer of the states
// in registers, and the stores slow the loads.)
//
//go:noinline
func (ps *parts) run(i int, v *[streams]uint16) int {
	full, out, col := ps.full, ps.out, ps.col
	p0 := ps.p[0]
	p1, p2, p3, p4, p5 := ps.p[1][:len(p0)], ps.p[2][:len(p0)], ps.p[3][:len(p0)], ps.p[4][:len(p0)], ps.p[5][:len(p0)]
	v0, v1, v2, v3, v4, v5 := v[0], v[1], v[2], v[3], v[4], v[5]
	for ; i < len(p0); i++ {
		v0 = full[uint(v0)+uint(col[p0[i]])]
		v1 = full[uint(v1)+uint(col[p1[i]])]
		v2 = full[uint(v2)+uint(col[p2[i]])]
		v3 = full[uint(v3)+uint(col[p3[i]])]
		v4 = full[uint(v4)+uint(col[p4[i]])]
		v5 = full[uint(v5)+uint(col[p5[i]])]
		if max(v0, v1, v2, v3, v4, v5) >= out {
			break
		}
	}
	*v = [streams]uint16{v0, v1, v2, v3, v4, v5}
	return i
}

// scanFullFrom scans text[from:] from state v, one stream.
func (a *automaton) scanFullFrom(text []byte, from int, v uint16, dst []acMatch, limit int, sc *scanScratch) ([]acMatch, bool) {
	full, out := a.full, a.firstOut
	for i := from; i < len(text); i++ {
		v = full[uint(v)+uint(a.col[text[i]])]
		if v < out {
			continue
		}
		var stop bool
		if dst, stop = a.emitState(dst, int(v), i, limit, sc); stop {
			return dst, true
		}
	}
	return dst, false
}

// emitState appends the patterns state s ends, which end at text[i]; it
// stops at limit. With boundsIn set, matches whose word boundaries do
// not hold are counted and dropped.
//
// About a sixth of the matches found are dropped (a third before the
// automaton knew where ASCII words start), and which ones no branch
// predicts. So for a state that ends one pattern, as nearly all
// do, the bytes beside the match are looked up and the match is written,
// then kept or not, without a branch on the outcome; only a byte of a
// longer rune beside it, which must be decoded, takes the general path.
func (a *automaton) emitState(dst []acMatch, s, i, limit int, sc *scanScratch) ([]acMatch, bool) {
	k := s - a.outBase
	o := a.first[k]
	t := sc.boundsIn
	if o.more || t == nil {
		return a.emitAll(dst, k, o, i, limit, sc)
	}
	sc.raw++
	end := i + 1
	lk, rk := uint8(kindSpace), uint8(kindSpace)
	if start := end - int(o.len); start > 0 {
		lk = byteKind[t[start-1]]
	}
	if end < len(t) {
		rk = byteKind[t[end]]
	}
	// The kinds of the bytes beside the match, on the sides where the
	// pattern needs a boundary.
	near := lk&-(o.bounds&boundLeft) | rk&-(o.bounds>>1&1)
	keep := 1 ^ near&kindWord
	if near&kindOther != 0 {
		keep = b2u(boundsHold(o, t, end))
	}
	if len(dst) >= limit && keep != 0 {
		return dst, true
	}
	dst = append(dst, acMatch{pat: o.pat, end: int32(end)})
	return dst[:len(dst)-1+int(keep)], false
}

// emitAll is emitState for any state: k is the state's index in the
// lists, o its first pattern.
func (a *automaton) emitAll(dst []acMatch, k int, o outEntry, i, limit int, sc *scanScratch) ([]acMatch, bool) {
	var more []outEntry
	if o.more {
		more = a.outs[a.outStart[k]:a.outStart[k+1]]
	}
	t := sc.boundsIn
	if t != nil {
		sc.raw += 1 + len(more)
	}
	end := i + 1
	for n := 0; ; o, n = more[n], n+1 {
		if t == nil || o.bounds == 0 || boundsHold(o, t, end) {
			if len(dst) >= limit {
				return dst, true
			}
			dst = append(dst, acMatch{pat: o.pat, end: int32(end)})
		}
		if n == len(more) {
			return dst, false
		}
	}
}

// boundsHold reports whether the word boundaries pattern o needs hold
// around its match in t that ends at end: in line for the ASCII bytes
// around nearly every match.
func boundsHold(o outEntry, t []byte, end int) bool {
	if start := end - int(o.len); o.bounds&boundLeft != 0 && start > 0 {
		if k := byteKind[t[start-1]]; k == kindWord || k == kindOther && wordRuneBefore(t, start) {
			return false
		}
	}
	if o.bounds&boundRight != 0 && end < len(t) {
		if k := byteKind[t[end]]; k == kindWord || k == kindOther && wordRuneAt(t, end) {
			return false
		}
	}
	return true
}

// Kinds of byte for the word-boundary test: an ASCII byte that is not a
// letter or digit, an ASCII letter or digit, or a byte of a longer rune,
// which must be decoded. They are bits, so the kinds of two bytes can be
// or'ed.
const (
	kindSpace = 0
	kindWord  = 1
	kindOther = 2
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
