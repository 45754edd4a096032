package classifier

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"slices"
	"unicode/utf8"
)

// Bounds on rule regexes. Go's engine is linear in the text, so no regex
// can backtrack catastrophically here; the bounds keep each one small
// and refuse the shapes that are catastrophic elsewhere, so the pack stays
// portable and its cost predictable.
const (
	maxRegexBytes   = 1000
	maxRegexInsts   = 5000
	maxRegexRepeat  = 100
	maxRegexMatches = 16 // spans kept per field
)

// errNestedRepeat is returned for (a+)+ and its kin.
var errNestedRepeat = errors.New("nested unbounded repetition such as (a+)+ is refused: it is the shape of catastrophic backtracking; repeat the inner part once")

func compileBoundedRegex(s string) (*regexp.Regexp, error) {
	if len(s) > maxRegexBytes {
		return nil, fmt.Errorf("is %d bytes, the limit is %d", len(s), maxRegexBytes)
	}
	tree, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return nil, err
	}
	if err := checkRepeats(tree, false); err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil {
		return nil, err
	}
	if len(prog.Inst) > maxRegexInsts {
		return nil, fmt.Errorf("compiles to %d instructions, the limit is %d; split it or use keywords", len(prog.Inst), maxRegexInsts)
	}
	return regexp.Compile(s)
}

func checkRepeats(re *syntax.Regexp, inUnbounded bool) error {
	unbounded := false
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		unbounded = true
	case syntax.OpRepeat:
		if re.Max > maxRegexRepeat || re.Min > maxRegexRepeat {
			return fmt.Errorf("repeat {%d,%d} exceeds %d", re.Min, re.Max, maxRegexRepeat)
		}
		unbounded = re.Max == -1
	}
	if unbounded && inUnbounded {
		return errNestedRepeat
	}
	for _, sub := range re.Sub {
		if err := checkRepeats(sub, inUnbounded || unbounded); err != nil {
			return err
		}
	}
	return nil
}

// needsDigit reports whether every match of regex s has an ASCII digit
// in it: then text without one need not be searched. It errs on the side
// of false.
func needsDigit(s string) bool {
	tree, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return false
	}
	return matchesNeedDigit(tree)
}

func matchesNeedDigit(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r >= '0' && r <= '9' {
				return true
			}
		}
	case syntax.OpCharClass:
		// pairs of bounds; all within the digits
		if len(re.Rune) == 0 {
			return false
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] < '0' || re.Rune[i+1] > '9' {
				return false
			}
		}
		return true
	case syntax.OpCapture, syntax.OpPlus:
		return matchesNeedDigit(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min >= 1 && matchesNeedDigit(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if matchesNeedDigit(sub) {
				return true
			}
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !matchesNeedDigit(sub) {
				return false
			}
		}
		return len(re.Sub) > 0
	}
	return false
}

// literalNeed is what every match of a regex must contain, as literal
// text: one of its alternatives must hold, and an alternative holds when
// the text has, for each of its sets, one of the set's strings. nil means
// nothing is known. A window that does not have it cannot match, and is
// not searched: far cheaper than the search.
type literalNeed [][][]string

// Bounds on a literalNeed, so that working it out and checking it stay
// cheap: beyond them a need is left weaker, which is still true.
const (
	maxNeedAlternatives = 16
	maxNeedSets         = 8
)

// needsLiterals works out the literal text every match of regex s must
// contain.
func needsLiterals(s string) literalNeed {
	tree, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return nil
	}
	need, ok := literalsOf(tree)
	if !ok {
		return nil
	}
	// An alternative fails at the first set the window lacks: the sets
	// least likely to be there are tried first, those of the longest
	// strings, then of the fewest ("day|week" before "$|usd" and the
	// digits, which the window around a gate nearly always has).
	for _, sets := range need {
		slices.SortStableFunc(sets, func(a, b []string) int {
			if la, lb := minLen(a), minLen(b); la != lb {
				return lb - la
			}
			return len(a) - len(b)
		})
	}
	return need
}

func minLen(set []string) int {
	m := math.MaxInt
	for _, s := range set {
		m = min(m, len(s))
	}
	return m
}

// literalsOf is what every match of re must contain; ok is false when
// nothing is known.
func literalsOf(re *syntax.Regexp) (literalNeed, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return literalNeed{{{string(re.Rune)}}}, true
	case syntax.OpCapture, syntax.OpPlus:
		return literalsOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return literalsOf(re.Sub[0])
	case syntax.OpCharClass:
		if set, ok := exactStrings(re); ok {
			return literalNeed{{set}}, true
		}
		return nil, false
	case syntax.OpConcat:
		// Every piece's need holds at once: each alternative of the
		// whole is one alternative of each piece, as far as the bounds go.
		// Runs of pieces each of a few exact strings ("1[6-9] ?-") need
		// one of the strings they spell.
		out, any := literalNeed{{}}, false
		for _, need := range concatNeeds(re.Sub) {
			if len(out)*len(need) > maxNeedAlternatives {
				continue
			}
			var next literalNeed
			for _, a := range out {
				for _, b := range need {
					if len(a)+len(b) > maxNeedSets {
						next = append(next, a)
						continue
					}
					next = append(next, append(append([][]string(nil), a...), b...))
				}
			}
			out, any = next, true
		}
		return out, any
	case syntax.OpAlternate:
		return unionOf(re.Sub, literalsOf, maxNeedAlternatives)
	}
	return nil, false
}

// maxExactStrings bounds the strings a piece of a regex is spelt out as.
const maxExactStrings = 16

// exactStrings spells out every string piece re can match, when they are
// few: a literal, a small class, an alternation or a run of such pieces,
// an optional one (with the empty string).
func exactStrings(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxExactStrings {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, len(out) > 0
	case syntax.OpCapture:
		return exactStrings(re.Sub[0])
	case syntax.OpQuest:
		sub, ok := exactStrings(re.Sub[0])
		if !ok || len(sub) == maxExactStrings {
			return nil, false
		}
		return append([]string{""}, sub...), true
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			sub, ok := exactStrings(s)
			if !ok || len(out)+len(sub) > maxExactStrings {
				return nil, false
			}
			out = append(out, sub...)
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range re.Sub {
			sub, ok := exactStrings(s)
			if !ok || len(out)*len(sub) > maxExactStrings {
				return nil, false
			}
			out = crossStrings(out, sub)
		}
		return out, true
	}
	return nil, false
}

func crossStrings(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

// concatNeeds are the needs of the pieces of a concatenation: runs of
// pieces spelt out as few strings make one set of strings each (when no
// string of it is empty), the other pieces their own needs.
func concatNeeds(subs []*syntax.Regexp) []literalNeed {
	var out []literalNeed
	run := []string{""}
	flush := func() {
		if !slices.Contains(run, "") {
			out = append(out, literalNeed{{run}})
		}
		run = []string{""}
	}
	for _, sub := range subs {
		if set, ok := exactStrings(sub); ok {
			if len(run)*len(set) > maxExactStrings {
				flush()
			}
			if len(set) <= maxExactStrings {
				run = crossStrings(run, set)
				continue
			}
		}
		flush()
		if need, ok := literalsOf(sub); ok {
			out = append(out, need)
		}
	}
	flush()
	return out
}

// holds reports whether b has what the need asks for.
func (need literalNeed) holds(b []byte) bool {
	if need == nil {
		return true
	}
	// A window lacks nearly every string looked for, and each search of
	// it costs more than noting, once, the bytes and pairs of bytes it
	// has: most strings are turned away by those.
	var g gramSet
	g.of(b)
alternatives:
	for _, sets := range need {
		for _, set := range sets {
			found := false
			for _, s := range set {
				if g.mayHave(s) && bytes.Contains(b, []byte(s)) {
					found = true
					break
				}
			}
			if !found {
				continue alternatives
			}
		}
		return true
	}
	return false
}

// gramSet notes which bytes a text has, and which pairs of bytes side
// by side, the pairs hashed into pairBits bits: a string with a byte or
// a pair the text lacks is not in it.
type gramSet struct {
	bytes [256 / 64]uint64
	pairs [pairBits / 64]uint64
}

const pairBits = 1024

func pairHash(a, b byte) uint32 {
	return (uint32(a)<<8 | uint32(b)) * 0x9E3779B1 >> (32 - 10)
}

func (g *gramSet) of(b []byte) {
	if len(b) == 0 {
		return
	}
	prev := b[0]
	g.bytes[prev>>6] |= 1 << (prev & 63)
	for _, c := range b[1:] {
		g.bytes[c>>6] |= 1 << (c & 63)
		h := pairHash(prev, c)
		g.pairs[h>>6] |= 1 << (h & 63)
		prev = c
	}
}

// mayHave reports whether the text may have s: false only when it
// cannot.
func (g *gramSet) mayHave(s string) bool {
	if len(s) == 1 {
		return g.bytes[s[0]>>6]>>(s[0]&63)&1 != 0
	}
	for i := 1; i < len(s); i++ {
		h := pairHash(s[i-1], s[i])
		if g.pairs[h>>6]>>(h&63)&1 == 0 {
			return false
		}
	}
	return true
}

// prefixSearch finds a regex's matches where every match begins with
// one of a few literal strings: the regex is tried, anchored, only where
// one of them begins. An unanchored search tries the regex at every
// byte of the window, and costs several times as much.
//
// It finds what FindAllIndex finds: the leftmost match, then the next
// from where it ends. A match can begin only where a prefix does, and
// the anchored form matches there as the regex would; no empty-width
// assertion can look at the byte before, since every match begins with
// a literal byte.
type prefixSearch struct {
	anchored *regexp.Regexp // ^(?:regex)
	first    [256][]string  // the prefixes, by first byte
}

// maxPrefixes bounds the literal strings a prefixSearch looks for. The
// Chinese lists of things sold to recruits name about forty: searched
// for by prefix they cost a fifth of the unanchored search.
const maxPrefixes = 64

// newPrefixSearch returns the prefix search for regex s, or nil when its
// matches do not all begin with a few known literal strings.
func newPrefixSearch(s string) *prefixSearch {
	tree, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return nil
	}
	prefixes, ok := prefixesOf(tree)
	if !ok {
		return nil
	}
	anchored, err := regexp.Compile(`^(?:` + s + `)`)
	if err != nil {
		return nil
	}
	ps := &prefixSearch{anchored: anchored}
	for _, p := range prefixes {
		if !slices.Contains(ps.first[p[0]], p) {
			ps.first[p[0]] = append(ps.first[p[0]], p)
		}
	}
	return ps
}

// prefixesOf is a set of non-empty literal strings one of which begins
// every match of re; ok is false when no such set is known.
func prefixesOf(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		// The engine reads a byte that is not UTF-8 as U+FFFD: a
		// literal U+FFFD would match where its bytes are not.
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 || slices.Contains(re.Rune, utf8.RuneError) {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		set, ok := exactStrings(re)
		if !ok || slices.Contains(set, "") || slices.Contains(set, string(utf8.RuneError)) {
			return nil, false
		}
		return set, true
	case syntax.OpCapture, syntax.OpPlus:
		return prefixesOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return prefixesOf(re.Sub[0])
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return nil, false
		}
		return prefixesOf(re.Sub[0])
	case syntax.OpAlternate:
		return unionOf(re.Sub, prefixesOf, maxPrefixes)
	}
	return nil, false
}

// unionOf joins what of finds for each alternative of an alternation; it
// fails when one alternative fails or the union grows past limit.
func unionOf[S ~[]E, E any](subs []*syntax.Regexp, of func(*syntax.Regexp) (S, bool), limit int) (S, bool) {
	var out S
	for _, sub := range subs {
		set, ok := of(sub)
		if !ok || len(out)+len(set) > limit {
			return nil, false
		}
		out = append(out, set...)
	}
	return out, len(out) > 0
}

// appendMatches appends to dst the [start, end) of the regex's matches
// in t, at most n of them, as FindAllIndex(t, n) finds them.
func (ps *prefixSearch) appendMatches(dst [][2]int32, t []byte, n int) [][2]int32 {
	found := 0
	for p := 0; p < len(t) && found < n; p++ {
		begins := false
		for _, w := range ps.first[t[p]] {
			if len(t)-p >= len(w) && string(t[p:p+len(w)]) == w {
				begins = true
				break
			}
		}
		if !begins {
			continue
		}
		loc := ps.anchored.FindIndex(t[p:])
		if loc == nil {
			continue
		}
		dst = append(dst, [2]int32{int32(p), int32(p + loc[1])})
		found++
		p += loc[1] - 1 // the next match begins after this one
	}
	return dst
}
