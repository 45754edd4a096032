package classifier

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveMatches finds every occurrence of every pattern the slow way.
func naiveMatches(patterns [][]byte, text []byte) []acMatch {
	var out []acMatch
	for end := 1; end <= len(text); end++ {
		for id, p := range patterns {
			if end >= len(p) && bytes.Equal(text[end-len(p):end], p) {
				out = append(out, acMatch{pat: int32(id), end: int32(end)})
			}
		}
	}
	return out
}

// naiveBoundedMatches is naiveMatches with each match's word boundaries
// checked, sorted: what a bounded automaton must find.
func naiveBoundedMatches(patterns [][]byte, bounds []uint8, text []byte) []acMatch {
	var out []acMatch
	for _, m := range naiveMatches(patterns, text) {
		if boundsHoldRef(bounds[m.pat], text, int(m.end)-len(patterns[m.pat]), int(m.end)) {
			out = append(out, m)
		}
	}
	sortMatches(out)
	return out
}

// boundsHoldRef is the word-boundary test written plainly.
func boundsHoldRef(bounds uint8, text []byte, start, end int) bool {
	return !(bounds&boundLeft != 0 && start > 0 && wordRuneBefore(text, start) ||
		bounds&boundRight != 0 && end < len(text) && wordRuneAt(text, end))
}

func sortMatches(m []acMatch) {
	slices.SortFunc(m, func(a, b acMatch) int {
		if a.end != b.end {
			return int(a.end - b.end)
		}
		return int(a.pat - b.pat)
	})
}

func TestAutomatonFindsOverlappingMatches(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		text     string
		want     []acMatch
	}{
		{"classic", []string{"he", "she", "his", "hers"}, "ushers", []acMatch{{1, 4}, {0, 4}, {3, 6}}},
		{"nested", []string{"a", "aa", "aaa"}, "aaa", []acMatch{{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}}},
		{"none", []string{"telegram"}, "whatsapp only", nil},
		{"multibyte", []string{"西港", "妙瓦底", "港"}, "去西港和妙瓦底", []acMatch{{2, 9}, {0, 9}, {1, 21}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pats := make([][]byte, len(tc.patterns))
			for i, p := range tc.patterns {
				pats[i] = []byte(p)
			}
			a, err := buildAutomaton(pats)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := a.scan([]byte(tc.text), nil, 1000)
			sortMatches(got)
			want := slices.Clone(tc.want)
			sortMatches(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestAutomatonAgreesWithNaiveSearch checks random pattern sets, large
// enough that many states are sparse, against a plain search.
func TestAutomatonAgreesWithNaiveSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("abcde\xe0\xb8")
	word := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return b
	}
	for round := range 30 {
		var pats [][]byte
		for range 5 + r.IntN(3000) {
			pats = append(pats, word(1+r.IntN(8)))
		}
		a, err := buildAutomaton(pats)
		if err != nil {
			t.Fatal(err)
		}
		text := word(400 + r.IntN(3000))
		got, _ := a.scan(text, nil, 1<<20)
		want := naiveMatches(pats, text)
		sortMatches(got)
		sortMatches(want)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d matches, want %d", round, len(got), len(want))
		}
	}
}

// TestAutomatonLargePackUsesSparseStates builds more states than the
// full table numbers, so deep states take the sparse path.
func TestAutomatonLargePackUsesSparseStates(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("abcdefghij")
	var pats [][]byte
	for range 16000 {
		p := make([]byte, 6+r.IntN(6))
		for i := range p {
			p[i] = alphabet[r.IntN(len(alphabet))]
		}
		pats = append(pats, p)
	}
	a, err := buildAutomaton(pats)
	if err != nil {
		t.Fatal(err)
	}
	if a.full != nil || int(a.nDense) >= a.nStates {
		t.Fatalf("%d states, %d dense: the sparse path is not exercised", a.nStates, a.nDense)
	}
	text := make([]byte, 3000)
	for i := range text {
		text[i] = alphabet[r.IntN(len(alphabet))]
	}
	got, _ := a.scan(text, nil, 1<<20)
	want := naiveMatches(pats, text)
	sortMatches(got)
	sortMatches(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%d matches, want %d", len(got), len(want))
	}
}

func TestAutomatonStopsAtTheMatchLimit(t *testing.T) {
	a, err := buildAutomaton([][]byte{[]byte("a")})
	if err != nil {
		t.Fatal(err)
	}
	got, stopped := a.scan(bytes.Repeat([]byte("a"), 100), nil, 10)
	if len(got) != 10 || !stopped {
		t.Errorf("got %d matches, stopped %v; want 10, true", len(got), stopped)
	}
}

func TestAutomatonRefusesEmptyPatterns(t *testing.T) {
	if _, err := buildAutomaton([][]byte{[]byte("x"), nil}); err == nil {
		t.Error("an empty pattern was accepted")
	}
}

// TestAutomatonScanKeepsOrder: the scan reads long texts in parts side
// by side; its matches must still come out exactly as one pass from the
// start would give them, in order, and stop at the same limit.
func TestAutomatonScanKeepsOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("abcd e\xe0\xb8")
	word := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return b
	}
	for round := range 40 {
		var pats [][]byte
		for range 1 + r.IntN(200) {
			pats = append(pats, word(1+r.IntN(40)))
		}
		if round%5 == 0 {
			pats = append(pats, word(300)) // a part shorter than the longest pattern
		}
		a, err := buildAutomaton(pats)
		if err != nil {
			t.Fatal(err)
		}
		if a.full == nil {
			t.Fatal("the pack is too small to have every state dense")
		}
		longest := pats[0]
		for _, p := range pats {
			if len(p) > len(longest) {
				longest = p
			}
		}
		var sc scanScratch
		for _, n := range []int{0, 1, max(0, streams*len(longest)-5), streams*len(longest) - 1, streams * len(longest), streams*len(longest) + 3, 1200 + r.IntN(5000), 6000} {
			text := word(n)
			switch n {
			case 6000:
				// The longest pattern ends on the first byte of each part
				// but the first: the part must be mended for it.
				for k := 1; k < streams; k++ {
					end := k * (6000 / streams)
					copy(text[end+1-len(longest):], longest)
				}
			case streams*len(longest) - 1:
				// The longest pattern over and over: a single pass stays
				// deep, and no part agrees with it before its end.
				for k := 0; k < n; k += len(longest) {
					copy(text[k:], longest)
				}
			}
			want, _ := a.scanFullFrom(text, 0, 0, nil, 1<<30, &scanScratch{})
			got, stopped := a.scanWith(text, nil, 1<<30, &sc)
			if stopped || !slices.Equal(got, want) {
				t.Fatalf("round %d, %d bytes: %d matches (stopped %v), one pass finds %d", round, n, len(got), stopped, len(want))
			}
			for _, limit := range []int{0, 1, len(want) / 3, len(want) * 2 / 3, max(0, len(want)-1), len(want)} {
				got, stopped := a.scanWith(text, nil, limit, &sc)
				if k := min(limit, len(want)); !slices.Equal(got, want[:k]) || stopped != (len(want) > limit) {
					t.Fatalf("round %d, %d bytes, limit %d: %d matches, stopped %v; want %d, %v", round, n, limit, len(got), stopped, k, len(want) > limit)
				}
			}
		}
	}
}

// TestAutomatonScanMendsParts: where a single pass stays deeper than a
// part is long, the part is wrong to its end, and so is the state the
// next part is mended from unless it is carried over.
func TestAutomatonScanMendsParts(t *testing.T) {
	for _, k := range []int{70, 200} {
		pats := [][]byte{bytes.Repeat([]byte("a"), k), []byte("a"), []byte("aa"), []byte("ab"), bytes.Repeat([]byte("a"), k/2)}
		a, err := buildAutomaton(pats)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{minSplit, 3 * k, streams*k - 1, streams*k + 2, 10 * k} {
			for _, text := range [][]byte{bytes.Repeat([]byte("a"), n), append(bytes.Repeat([]byte("a"), n-1), 'b')} {
				want, _ := a.scanFullFrom(text, 0, 0, nil, 1<<30, &scanScratch{})
				var sc scanScratch
				for _, limit := range []int{len(want), len(want) / 2, len(want) - 1} {
					got, stopped := a.scanWith(text, nil, limit, &sc)
					if !slices.Equal(got, want[:limit]) || stopped != (limit < len(want)) {
						t.Fatalf("keyword of %d bytes, text of %d, limit %d: %d matches (stopped %v), one pass finds %d", k, n, limit, len(got), stopped, len(want))
					}
				}
			}
		}
	}
}

// TestBoundedAutomatonAgreesWithNaiveSearch checks an automaton built
// with word boundaries, which drops when it is built the matches whose
// left boundary its states show cannot hold, against a plain search
// whose matches are checked one by one: scanned with the boundaries
// checked as found, and without, the way an ad with very many matches is
// scanned field by field and checked after. Both the full table and the
// sparse form are built.
func TestBoundedAutomatonAgreesWithNaiveSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	// Letters, a space, a letter of two bytes and a Thai one, which has
	// no word boundaries of its own.
	runes := []string{"a", "b", "c", " ", "é", "ก"}
	word := func(n int) []byte {
		var b []byte
		for range n {
			b = append(b, runes[r.IntN(len(runes))]...)
		}
		return b
	}
	for _, size := range []int{5, 300, 3000, 30000} {
		var pats [][]byte
		var bounds []uint8
		for range size {
			n := 1 + r.IntN(7)
			if size == 30000 {
				n = 4 + r.IntN(10) // past what the full table numbers
			}
			pats = append(pats, word(n))
			bounds = append(bounds, uint8(r.IntN(4)))
		}
		a, err := buildBoundedAutomaton(pats, bounds)
		if err != nil {
			t.Fatal(err)
		}
		if sparse := a.full == nil; sparse != (size == 30000) {
			t.Fatalf("%d patterns: %d states, sparse %v", size, a.nStates, sparse)
		}
		for range 5 {
			text := word(200 + r.IntN(2000))
			want := naiveBoundedMatches(pats, bounds, text)
			sc := scanScratch{boundsIn: text}
			got, _ := a.scanWith(text, nil, 1<<20, &sc)
			sortMatches(got)
			if !slices.Equal(got, want) {
				t.Fatalf("%d patterns, boundaries checked as found: %d matches, want %d", size, len(got), len(want))
			}
			all, _ := a.scan(text, nil, 1<<20)
			got = got[:0]
			for _, m := range all {
				if boundsHoldRef(bounds[m.pat], text, int(m.end)-len(pats[m.pat]), int(m.end)) {
					got = append(got, m)
				}
			}
			sortMatches(got)
			if !slices.Equal(got, want) {
				t.Fatalf("%d patterns, boundaries checked after: %d matches, want %d", size, len(got), len(want))
			}
			if size > 5 && len(all) >= len(naiveMatches(pats, text)) {
				t.Fatalf("%d patterns: the automaton found all %d matches, none dropped as built", size, len(all))
			}
		}
	}
}

// buildAutomaton builds the automaton of patterns, whose matches need no
// word boundaries.
func buildAutomaton(patterns [][]byte) (*automaton, error) {
	return buildBoundedAutomaton(patterns, nil)
}

// scan appends every match in text to dst, in the order the matches end,
// stopping after limit matches, and reports whether it stopped early.
func (a *automaton) scan(text []byte, dst []acMatch, limit int) ([]acMatch, bool) {
	var sc scanScratch
	return a.scanWith(text, dst, limit, &sc)
}

// TestWordStartsMendParts: an automaton that knows where ASCII words
// start reads the parts of a text after the first as if a letter or
// digit stood before each; a keyword that needs a word boundary on its
// left, cut in two by a part's start or starting just after it, must be
// found or not exactly as one pass finds it.
func TestWordStartsMendParts(t *testing.T) {
	packs := []struct {
		pats   []string
		bounds []uint8
	}{
		{[]string{"rs"}, []uint8{boundLeft | boundRight}},
		{[]string{"rs", "ours", "s h", "h", "hours rs"}, []uint8{boundLeft | boundRight, boundLeft, 0, boundLeft, boundLeft}},
	}
	for _, pk := range packs {
		pats := make([][]byte, len(pk.pats))
		for i, p := range pk.pats {
			pats[i] = []byte(p)
		}
		a, err := buildBoundedAutomaton(pats, pk.bounds)
		if err != nil {
			t.Fatal(err)
		}
		if a.full == nil || a.partStart == 0 {
			t.Fatalf("%q: the full table aware of word starts was not built (partStart %d)", pk.pats, a.partStart)
		}
		for n := minSplit; n < 400; n++ {
			for _, unit := range []string{"hours rs ", "rs", " rs", "xrs", "hrs h"} {
				text := bytes.Repeat([]byte(unit), n/len(unit)+1)[:n]
				want := naiveBoundedMatches(pats, pk.bounds, text)
				sc := scanScratch{boundsIn: text}
				got, _ := a.scanWith(text, nil, 1<<20, &sc)
				sortMatches(got)
				if !slices.Equal(got, want) {
					t.Fatalf("%q in %q, %d bytes: %v, want %v", pk.pats, unit, n, got, want)
				}
			}
		}
	}
}
