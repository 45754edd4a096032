package classifier

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/pkg/zawgyi"
	"golang.org/x/text/unicode/norm"
)

// normalized is one field's text as the rules read it, with the way back
// to the original.
type normalized struct {
	text []byte
	// segs lead back to the original: each covers the text from its at
	// to the next one's (the last to the end). Stored by stretch rather
	// than byte, the way back costs a few entries per field instead of
	// four bytes for each byte of text; origAt reads it.
	segs []seg
	// invalid counts byte sequences that were not UTF-8 (each read as a
	// space); obfuscated counts tricks undone: letters split apart,
	// leetspeak, look-alike or full-width letters, invisible characters
	// inside words.
	invalid, obfuscated int
	// zawgyi is set when the text's Burmese was typed in the Zawgyi
	// encoding and read converted to Unicode.
	zawgyi bool
	// longDigits is set when the text has a run of nine digits or more,
	// the only place a phone number can be.
	longDigits bool
	// words is the number of words, as countTokens counts them, when
	// normalising found it for free (an ASCII text nothing was
	// rewritten in), and -1 otherwise.
	words int
	// digitRuns are where the runs of ASCII digits start, in order, when
	// digitRunsKnown: normalising finds them for free in a text nothing
	// was rewritten in, and the salary extractor need not look for them.
	digitRuns      []int32
	digitRunsKnown bool
	// headLetters is, for an ASCII text nothing was rewritten in, the
	// number of letters in its first half kilobyte, what scriptCounts
	// would count there; -1 otherwise.
	headLetters int
	// phraseBreaks are where a space between two letters of Thai, Lao or
	// Khmer was dropped, as offsets into the source, in order.
	// Typists put spaces inside words and phrases of these scripts as
	// they please, so keywords match across them; but such a space still
	// ends a phrase for a negation cue (phraseBreak).
	phraseBreaks []int32
}

// Byte classes for the second pass.
const (
	clOther = iota
	clLetter
	clDigit
	clPlus
)

var byteClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = clLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = clDigit
	}
	t['+'] = clPlus
	return t
}()

// asciiSpace is 1 for the ASCII bytes that read as a space.
var asciiSpace = func() (t [128]uint8) {
	for i, f := range asciiFold {
		if f == ' ' {
			t[i] = 1
		}
	}
	return t
}()

// normalizer turns text into the form rules match: NFKC, lower case,
// invisible characters removed, look-alikes folded, then words put back
// together ("T.e.l.e.g.r.a.m", "te1egram", "0 9 1 7 ...").
type normalizer struct {
	fold *foldTable
	// known are the words leetspeak is undone for: the words of the rule
	// pack's keywords. Undoing it everywhere would eat digits.
	known map[string]bool
	// scratch for the second pass
	edits    []edit
	replText []byte
	replSrc  []int32
	tmpText  []byte
	tmpSegs  []seg
	letters  []int
	unitsAt  []int // where spelledAmounts next finds each unit
	tokens   tokenBits
	zawgyi   zawgyi.Converter
	zgRunes  []rune // scratch for one syllable
}

// edit replaces pass-one text[start:end] with replText[rs:re], whose
// bytes come from the pass-one offsets replSrc[rs:re].
type edit struct{ start, end, rs, re int }

func newNormalizer(known map[string]bool) *normalizer {
	return &normalizer{fold: theFoldTable(), known: known}
}

var asciiFold = func() (t [128]byte) {
	for i := range t {
		c := byte(i)
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '\n':
		case c < 0x20 || c == 0x7f:
			c = ' '
		}
		t[i] = c
	}
	return t
}()

// normalize writes src's normalised form into dst, reusing its buffers.
func (n *normalizer) normalize(dst *normalized, src string) {
	dst.invalid, dst.obfuscated = 0, 0
	n.pass1(dst, src)
	n.pass2(dst, src)
}

func (n *normalizer) pass1(dst *normalized, src string) {
	out, segs := dst.text[:0], dst.segs[:0]
	dst.zawgyi = false
	dst.phraseBreaks = dst.phraseBreaks[:0]
	joinedAt := 0 // where the text after the last space dropped starts
	inZawgyi := 0 // 1 when the Burmese is typed in Zawgyi, -1 when not, 0 not yet known
	if cap(out) < len(src)+16 {
		out = make([]byte, 0, len(src)+len(src)/8+16)
	}
	for i := 0; i < len(src); {
		// The ASCII run: no rune here grows, so it is written in place.
		if c := src[i]; c < utf8.RuneSelf {
			if isSplitMark(c) && splitsUnspacedWord(out, src, i) {
				i++ // "ຕົ້ນເ.ຜິ້.ງ", "แ-ช-ร์": the word put back together
				continue
			}
			if c == ' ' && spaceInPhrase(out, src, i) {
				// "ບໍ່ມີ ພາສປອດ ກໍ່ ໄປ ໄດ້": read as one run. The space ends a
				// phrase only after one (a word or two, "ບໍ່ຜ່ານຄືນເງິນ ຄ່າ…"):
				// a typist who spaces every word ("ບໍ່ຕ້ອງ ຈ່າຍ ຄ່າ ສະໝັກ")
				// ends none. A space before "or" or "and" goes on with the
				// list, as one not dropped would (clauseBreakUnspaced).
				if !conjunctionAt(src, i+1) && phraseBefore(out[joinedAt:]) {
					dst.phraseBreaks = append(dst.phraseBreaks, int32(i))
				}
				joinedAt = len(out)
				i++
				continue
			}
			k := len(out)
			if need := k + len(src) - i; cap(out) < need {
				out = append(make([]byte, 0, need+64), out...)
			}
			o := out[:k+len(src)-i]
			// Bytes copied one for one share a segment while their
			// offsets in both texts keep the same distance, delta.
			segs = addSeg(segs, k, i, 1)
			delta := i - k
			// sp is 1 when the byte written last is a space: runs of
			// spaces read as one, so "processing   fee" is "processing
			// fee".
			sp := uint8(0)
			if k > 0 && o[k-1] == ' ' {
				sp = 1
			}
			for {
				// Eight printable ASCII bytes with no two spaces side by
				// side need only lower-casing, done on all eight at once.
				for i+8 <= len(src) {
					w := load64(src, i)
					spaces := spaceBytes(w)
					if plainASCII(w) == 0 || spaces&(spaces<<8|uint64(sp)<<7) != 0 {
						break
					}
					if i-k != delta {
						segs, delta = append(segs, seg{int32(k), int32(i), 1}), i-k
					}
					binary.LittleEndian.PutUint64(o[k:k+8], w|upperBytes(w)>>2)
					sp = uint8(spaces >> 63)
					k += 8
					i += 8
				}
				if i >= len(src) || src[i] >= utf8.RuneSelf {
					break
				}
				c := src[i]
				isSp := asciiSpace[c]
				if isSp&sp != 0 {
					i++ // a space after a space
					continue
				}
				if i-k != delta {
					segs, delta = append(segs, seg{int32(k), int32(i), 1}), i-k
				}
				o[k] = asciiFold[c]
				sp = isSp
				k++
				i++
			}
			out = o[:k]
			continue
		}
		r, size := decodeRune(src, i)
		if zawgyi.IsMyanmar(r) {
			// Burmese: decided once, at its first letter, whether it is
			// typed in Zawgyi.
			if inZawgyi == 0 {
				inZawgyi = -1
				if zawgyi.Is(src[i:]) {
					inZawgyi = 1
					dst.zawgyi = true
				}
			}
			if inZawgyi > 0 {
				out, segs, i = n.emitZawgyi(out, segs, src, i)
				continue
			}
		}
		if cap(out)-len(out) < len(src)-i+64 {
			out = append(make([]byte, 0, 2*cap(out)+len(src)-i+64), out...)
		}
		if size == 3 && !n.fold.foldsBMP(r) {
			// A run of runes of three bytes that read as themselves, the
			// bulk of Chinese, Thai, Lao, Khmer and Burmese text, is
			// found in a loop of its own, then copied at once, in one
			// segment. Copies never grow, so the room made above lasts.
			//
			// Full-width punctuation ("，", "："), which folds to one
			// ASCII byte, is written in the loop too, between two copies:
			// Chinese text has a comma every few words.
			start := i
			for i += 3; i+2 < len(src); i += 3 {
				r, ok := rune3(src[i], src[i+1], src[i+2])
				if !ok || src[i]&0xF0 != 0xE0 {
					break // not a rune of three bytes
				}
				if !n.fold.foldsBMP(r) {
					continue
				}
				e := n.fold.entry(r)
				s := n.fold.pool[e&poolMask-1]
				if len(s) != 1 || s[0] == ' ' || s[0] >= utf8.RuneSelf || e>>obfShift != obfNever {
					break // the general path
				}
				if i > start {
					segs = addSeg(segs, len(out), start, 3)
					out = append(out, src[start:i]...)
				}
				segs = addSeg(segs, len(out), i, 0)
				out = append(out, s[0])
				start = i + 3
			}
			if i > start {
				segs = addSeg(segs, len(out), start, 3)
				out = append(out, src[start:i]...)
			}
			continue
		}
		if r == utf8.RuneError && size == 1 {
			segs = addSeg(segs, len(out), i, 1)
			out = append(out, ' ')
			dst.invalid++
			i++
			continue
		}
		if r >= 0x0300 && r <= 0x036F {
			// Combining marks: compose them with the rune before, as
			// NFKC would, so "e\u0301" and "é" read the same.
			j := i + size
			for j < len(src) {
				r2, s2 := utf8.DecodeRuneInString(src[j:])
				if r2 < 0x0300 || r2 > 0x036F {
					break
				}
				j += s2
			}
			if k := len(out); k > 0 {
				// The bytes the rune before became: the last unit of the
				// last segment.
				last := segs[len(segs)-1]
				start := int(last.at)
				if last.width > 0 {
					start = k - 1 - (k-1-int(last.at))%int(last.width)
				}
				base := origAtSeg(last, k-1)
				_, bs := utf8.DecodeRuneInString(src[base:])
				if base+bs == i {
					out = out[:start]
					for len(segs) > 0 && int(segs[len(segs)-1].at) >= start {
						segs = segs[:len(segs)-1]
					}
					for _, cr := range norm.NFC.String(src[base:j]) {
						out, segs = n.emit(out, segs, cr, base)
					}
				}
			}
			i = j
			continue
		}
		if isRegionalIndicator(r) {
			if r2, s2 := utf8.DecodeRuneInString(src[i+size:]); isRegionalIndicator(r2) {
				out, segs = emitFlag(out, segs, r, r2, i, i+size)
				i += size + s2
				continue
			}
		}
		e := n.fold.entry(r)
		if e == 0 {
			// The rune reads as itself. There is room: checked above.
			k := len(out)
			segs = addSeg(segs, k, i, size)
			out = out[:k+size]
			copy(out[k:], src[i:i+size])
			i += size
			continue
		}
		s := n.fold.pool[e&poolMask-1]
		if s == " " && len(out) > 0 && out[len(out)-1] == ' ' {
			i += size
			continue
		}
		if obfuscating(e>>obfShift, out, src, i+size) {
			dst.obfuscated++
		}
		if s != "" {
			segs = addSeg(segs, len(out), i, 0)
			out = append(out, s...)
		}
		i += size
	}
	dst.text, dst.segs = out, segs
}

// isSplitMark reports whether c is one of the marks put between the
// letters of a word to hide it from filters.
func isSplitMark(c byte) bool { return c == '.' || c == '-' || c == '_' || c == '*' }

// splitsUnspacedWord reports whether the mark at src[i] stands between two
// letters of a script written without spaces (Thai, Lao, Khmer, Burmese,
// Chinese): there it splits a word ("ຕົ້ນເ.ຜິ້.ງ", "金.三.角"), not words,
// and the word reads as if it were not there. Keywords are normalised
// the same way, so an abbreviation written with dots ("จ.ตาก") still
// matches itself.
func splitsUnspacedWord(out []byte, src string, i int) bool {
	prev, next, ok := runesAround(out, src, i)
	return ok && isUnspacedLetter(prev) && isUnspacedLetter(next)
}

// runesAround returns the rune written last to out and the one after
// src[i], when both are beyond ASCII; ok is false otherwise.
func runesAround(out []byte, src string, i int) (prev, next rune, ok bool) {
	if len(out) == 0 || out[len(out)-1] < utf8.RuneSelf || i+1 >= len(src) || src[i+1] < utf8.RuneSelf {
		return 0, 0, false
	}
	prev, _ = utf8.DecodeLastRune(out)
	next, _ = utf8.DecodeRuneInString(src[i+1:])
	return prev, next, true
}

// phraseLetters is how many letters a run must end with, since the last
// space dropped, for a dropped space after it to end a phrase: two short
// words of Thai, Lao or Khmer.
const phraseLetters = 6

// phraseBefore reports whether t ends with phraseLetters letters of Thai,
// Lao or Khmer (marks not counted).
func phraseBefore(t []byte) bool {
	n := 0
	for len(t) > 0 && n < phraseLetters {
		r, size := utf8.DecodeLastRune(t)
		if joinScript(r) == 0 {
			break
		}
		if !isUnspacedMark(r) {
			n++
		}
		t = t[:len(t)-size]
	}
	return n >= phraseLetters
}

// conjunctionAt reports whether src[i:] starts with "or" or "and" in
// Thai, Lao, Khmer or Burmese.
func conjunctionAt(src string, i int) bool {
	for _, w := range listConjunctions {
		if strings.HasPrefix(src[i:], w) {
			return true
		}
	}
	return false
}

// spaceInPhrase reports whether the space at src[i] stands between two
// letters of Thai, Lao or Khmer.
func spaceInPhrase(out []byte, src string, i int) bool {
	prev, next, ok := runesAround(out, src, i)
	s := joinScript(prev)
	return ok && s != 0 && s == joinScript(next)
}

// joinScript tells which of Thai (1), Lao (2) or Khmer (3) r is a letter
// or mark of, or 0. Only a space between two letters of the same script
// is dropped. (Burmese is left as typed: its keywords were written with
// the typists' spaces, and read without them two look-alikes of the
// project's own set took a lure's words.)
func joinScript(r rune) int {
	if !unicode.IsLetter(r) && !unicode.IsMark(r) {
		return 0
	}
	switch {
	case r >= 0x0E00 && r <= 0x0E7F:
		return 1
	case r >= 0x0E80 && r <= 0x0EFF:
		return 2
	case r >= 0x1780 && r <= 0x17FF, r >= 0x19E0 && r <= 0x19FF:
		return 3
	}
	return 0
}

func isUnspacedLetter(r rune) bool {
	return isUnspacedScript(r) && (unicode.IsLetter(r) || unicode.IsMark(r))
}

// isRegionalIndicator reports whether r is one of the letters flags are
// written with: two of them, a country's ISO code, make its flag.
func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// emitFlag writes the flag of regional indicators r1 (at src offset at1)
// and r2 (at at2) as a word of its own, "flag" and the country's code:
// 🇰🇭 reads "flagkh", which the gazetteer lists as Cambodia, so a post
// that names its country only by a flag still names it.
func emitFlag(out []byte, segs []seg, r1, r2 rune, at1, at2 int) ([]byte, []seg) {
	segs = addSeg(segs, len(out), at1, 0)
	if len(out) > 0 && out[len(out)-1] != ' ' {
		out = append(out, ' ')
	}
	out = append(out, "flag"...)
	out = append(out, byte('a'+r1-0x1F1E6))
	segs = addSeg(segs, len(out), at2, 0)
	return append(out, byte('a'+r2-0x1F1E6), ' '), segs
}

// decodeRune is utf8.DecodeRuneInString(src[i:]) with the three-byte
// form, that of Chinese, Thai, Lao, Khmer and Burmese, decoded in line.
func decodeRune(src string, i int) (rune, int) {
	if c0 := src[i]; c0&0xF0 == 0xE0 && i+2 < len(src) {
		if r, ok := rune3(c0, src[i+1], src[i+2]); ok {
			return r, 3
		}
	}
	return utf8.DecodeRuneInString(src[i:])
}

// decodeRuneBytes is decodeRune for a byte slice.
func decodeRuneBytes(t []byte, i int) (rune, int) {
	if c0 := t[i]; c0&0xF0 == 0xE0 && i+2 < len(t) {
		if r, ok := rune3(c0, t[i+1], t[i+2]); ok {
			return r, 3
		}
	}
	return utf8.DecodeRune(t[i:])
}

// rune3 decodes a rune of three bytes led by c0 (0xE0 to 0xEF); ok is
// false when they are not one.
func rune3(c0, c1, c2 byte) (rune, bool) {
	lo, hi := byte(0x80), byte(0xBF)
	switch c0 {
	case 0xE0:
		lo = 0xA0 // no overlong forms
	case 0xED:
		hi = 0x9F // no surrogates
	}
	if c1 >= lo && c1 <= hi && c2&0xC0 == 0x80 {
		return rune(c0&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F), true
	}
	return 0, false
}

// emit writes rune r, which came from the rune at src[at].
func (n *normalizer) emit(out []byte, segs []seg, r rune, at int) ([]byte, []seg) {
	var s string
	switch f, ok := n.fold.lookup(r); {
	case r < utf8.RuneSelf:
		s = string(asciiFold[r])
	case ok:
		s = f
	default:
		s = string(r)
	}
	if s != "" {
		segs = addSeg(segs, len(out), at, 0)
		out = append(out, s...)
	}
	return out, segs
}

// seg is a stretch of normalised text with one way back to the
// original. A width of 0 means all its bytes came from the rune at orig
// (a rune folded into others); otherwise they came in units of width
// bytes, each copied from the original, the unit m*width bytes after at
// from offset orig + m*width.
type seg struct{ at, orig, width int32 }

// addSeg starts a segment at text offset at, unless the last one goes on
// into it: same width and, unit for unit, the next original offset.
func addSeg(segs []seg, at, orig, width int) []seg {
	if k := len(segs); k > 0 {
		l := segs[k-1]
		if int(l.width) == width {
			d := at - int(l.at)
			if width == 0 && int(l.orig) == orig || width > 0 && d%width == 0 && int(l.orig)+d == orig {
				return segs
			}
		}
	}
	return append(segs, seg{int32(at), int32(orig), int32(width)})
}

// origAtSeg is where byte i of segment s came from.
func origAtSeg(s seg, i int) int {
	if s.width == 0 {
		return int(s.orig)
	}
	off := int32(i) - s.at
	return int(s.orig + off - off%s.width)
}

// segIndex is the index of the segment byte i is in.
func segIndex(segs []seg, i int) int {
	lo, hi := 0, len(segs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(segs[m].at) <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// joined reports whether text[start:end] was spread wider in the
// original: letters split by spaces, dots or emoji ("W A", "W.A") and
// joined again.
func (d *normalized) joined(start, end int) bool {
	return d.origAt(end-1)-d.origAt(start) > end-1-start
}

// origAt is the offset in the original of the rune byte i came from.
func (d *normalized) origAt(i int) int {
	return origAtSeg(d.segs[segIndex(d.segs, i)], i)
}

// copySegs adds to out the segments of text[a:b], now at offset at.
func copySegs(out, segs []seg, a, b, at int) []seg {
	if a >= b {
		return out
	}
	for k := segIndex(segs, a); k < len(segs) && int(segs[k].at) < b; k++ {
		s := segs[k]
		from := max(int(s.at), a)
		if s.width > 0 {
			if r := (from - int(s.at)) % int(s.width); r != 0 {
				// A unit cut in two: what is left of it came from one rune.
				out = addSeg(out, at+from-a, origAtSeg(s, from), 0)
				from += int(s.width) - r
				if k+1 < len(segs) && from >= int(segs[k+1].at) || from >= b {
					continue
				}
			}
		}
		out = addSeg(out, at+from-a, origAtSeg(s, from), int(s.width))
	}
	return out
}

// obfuscating reports whether folding a rune of the given kind, which
// ends at src[next], undoes a trick to hide a word from filters: a
// full-width or mathematical letter, a look-alike letter or an invisible
// character inside a Latin word.
func obfuscating(kind uint32, out []byte, src string, next int) bool {
	switch kind {
	case obfNever:
		return false
	case obfAlways:
		return true
	}
	look := kind == obfLookAlike
	before := len(out) > 0 && isASCIILetter(out[len(out)-1])
	after := next < len(src) && isASCIILetter(src[next]|0x20)
	return before && after || look && (before || after)
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' }
func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isASCIIAlnum(c byte) bool  { return isASCIILetter(c) || isASCIIDigit(c) }

// pass2 puts words back together. It looks at each ASCII token once and
// copies the text only when something was rewritten.
func (n *normalizer) pass2(dst *normalized, src string) {
	t := dst.text
	n.edits, n.replText, n.replSrc = n.edits[:0], n.replText[:0], n.replSrc[:0]
	dst.longDigits = false
	tb := n.tokens.of(t)
	// Tokens are taken from the bits of their starts, a word of bits at a
	// time: finding the next one does not wait on where the last one
	// ended, so the plain words, nearly all of them, cost a few
	// instructions each. pos is where the byte-by-byte definition would
	// be; a token before it was rewritten already.
	pos := 0
	for w, starts := range tb.start {
		alnum, digit := tb.alnum[w], tb.digit[w]
		for ; starts != 0; starts &= starts - 1 {
			off := bits.TrailingZeros64(starts)
			start := w<<6 + off
			if start < pos {
				continue
			}
			// A word that starts with a letter. Most are two letters or
			// more, with no digit, no leetspeak symbol after them and not
			// the shape of a number word: nothing to do, decided with one
			// branch that is nearly always taken, the tests that feed it
			// computed without branches of their own.
			if t[start] >= 'a' {
				var e int
				var digits uint64
				if run := ^alnum >> off; run != 0 {
					l := bits.TrailingZeros64(run)
					e, digits = start+l, digit>>off&(1<<l-1)
				} else { // it goes on in the next word of bits
					e = tb.runEnd(start, len(t))
					digits = uint64(tb.digitsAcross(start, e))
				}
				l := e - start
				var after, next byte
				if e+1 < len(t) {
					after, next = t[e], t[e+1]
				} else if e < len(t) {
					after = t[e]
				}
				split := syllableSep[after] & b2u(isASCIILetter(next))
				if b2u(l < 2)|leetSymbol[after]|split|numberWordLen(l, t[start], t[e-1])|b2u(digits != 0) == 0 {
					pos = e
					continue
				}
			}
			pos = n.token(dst, t, src, tb, start)
			// A rewrite may end inside a run of letters and digits, where
			// the definition goes on with a token no start bit marks.
			for pos < len(t) && isASCIIAlnum(t[pos]) && isASCIIAlnum(t[pos-1]) {
				pos = n.token(dst, t, src, tb, pos)
			}
		}
	}
	if !tb.ascii {
		before := len(n.edits)
		n.hanziAmounts(t)
		n.spelledAmounts(t)
		if len(n.edits) > before {
			n.edits = sortedApart(n.edits)
		}
	}
	dst.words, dst.digitRuns, dst.digitRunsKnown, dst.headLetters = -1, dst.digitRuns[:0], false, -1
	if len(n.edits) == 0 {
		if tb.ascii {
			dst.words = tb.words
			dst.headLetters = 0
			for w := range min(len(tb.alnum), headBytes/64) {
				dst.headLetters += bits.OnesCount64(tb.alnum[w] &^ tb.digit[w])
			}
		}
		carry := uint64(0) // whether the last byte of the word before is a digit
		for w, d := range tb.digit {
			for m := d &^ (d<<1 | carry); m != 0; m &= m - 1 {
				dst.digitRuns = append(dst.digitRuns, int32(w<<6+bits.TrailingZeros64(m)))
			}
			carry = d >> 63
		}
		dst.digitRunsKnown = true
		return
	}
	out, segs := n.tmpText[:0], n.tmpSegs[:0]
	prev := 0
	for _, e := range n.edits {
		segs = copySegs(segs, dst.segs, prev, e.start, len(out))
		out = append(out, t[prev:e.start]...)
		for j, s := range n.replSrc[e.rs:e.re] {
			segs = addSeg(segs, len(out), dst.origAt(int(s)), 1)
			out = append(out, n.replText[e.rs+j])
		}
		prev = e.end
	}
	segs = copySegs(segs, dst.segs, prev, len(t), len(out))
	out = append(out, t[prev:]...)
	n.tmpText, n.tmpSegs = dst.text, dst.segs
	dst.text, dst.segs = out, segs
}

// sortedApart sorts edits by where they start and drops any that
// overlaps the one before it.
func sortedApart(edits []edit) []edit {
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	kept := edits[:0]
	for _, e := range edits {
		if len(kept) == 0 || e.start >= kept[len(kept)-1].end {
			kept = append(kept, e)
		}
	}
	return kept
}

// token looks at the token at t[start] (a letter, a digit or a plus
// sign), rewrites it if it is a split word, a split phone number, digits
// written as words or leetspeak, and returns where the next token may
// start.
func (n *normalizer) token(dst *normalized, t []byte, src string, tb *tokenBits, start int) int {
	k := byteClass[t[start]]
	i := start + 1
	digits, letters := 0, 0
	if k != clPlus {
		i = tb.runEnd(start, len(t))
		digits = tb.digitsIn(start, i)
		letters = i - start - digits
	}
	if digits >= 9 && letters == 0 {
		dst.longDigits = true
	}
	next := start
	switch {
	case k == clDigit || k == clPlus:
		// Not inside an amount such as 3.500.000.
		if start < 2 || !(t[start-1] == '.' || t[start-1] == ',' || t[start-1] == '-') || !isASCIIDigit(t[start-2]) {
			next = n.joinPhone(t, start)
			if next > start {
				dst.longDigits = true
			} else if k == clDigit {
				next = n.joinSpacedDigits(t, start)
			}
		}
	case i-start == 1:
		next = n.joinLetters(dst, t, src, start)
	case digits == 0 && numberWordLen(i-start, t[start], t[i-1]) != 0 && numberWords[string(t[start:i])] != 0:
		next = n.joinNumberWords(t, start)
	case digits > 0 || i < len(t) && t[i] < 128 && leetFor[t[i]] != 0:
		// only tokens with a digit or a symbol in them can be leetspeak
		next = n.unLeet(dst, t, start)
	}
	if next <= start && digits == 0 && i+1 < len(t) && syllableSep[t[i]] == 1 && isASCIILetter(t[i+1]) {
		next = n.joinSyllables(t, start, i)
	}
	return max(i, next)
}

// syllableSep is 1 for the marks a word may be split by into syllables.
var syllableSep = [256]uint8{'.': 1, '-': 1, '_': 1, '*': 1}

// splitChannelNames are the chat apps' names a recruiter splits into
// syllables to slip past filters ("te-le-gram", "whats.app", "we_chat"):
// only the apps', as "e-mail" and "web-site" are spelled so in earnest.
var splitChannelNames = func() map[string]bool {
	m := map[string]bool{}
	for _, kind := range []int{chTelegram, chWhatsApp, chWeChat, chZalo, chViber} {
		for _, w := range channelWords[kind] {
			if isLatinWord(w) {
				m[w] = true
			}
		}
	}
	return m
}()

// joinSyllables joins the word at t[start:end] with the words after it,
// split by one mark the same each time, when together they spell a chat
// app's name ("te-le-gram"). Shops split names so too, to get past the
// platforms' filters of links and apps, so the trick is undone without
// being counted as one.
func (n *normalizer) joinSyllables(t []byte, start, end int) int {
	var buf [24]byte
	if end-start > len(buf) {
		return start // longer than any app's name
	}
	word := append(buf[:0], t[start:end]...)
	sep := t[end]
	var partsBuf [2 * 5]int
	parts := append(partsBuf[:0], start, end)
	found := 0
	for k := end; len(parts) < 2*5 && k+1 < len(t) && t[k] == sep && isASCIILetter(t[k+1]); {
		e := k + 1
		for e < len(t) && isASCIILetter(t[e]) {
			e++
		}
		if e < len(t) && (isASCIIAlnum(t[e]) || t[e] >= utf8.RuneSelf && wordRuneAt(t, e)) || len(word)+e-k-1 > len(buf) {
			break
		}
		word = append(word, t[k+1:e]...)
		parts = append(parts, k+1, e)
		k = e
		if splitChannelNames[string(word)] {
			found = len(parts) // the longest name wins: "te-le-gram", not "te-le"
		}
	}
	if found == 0 {
		return start
	}
	rs := len(n.replText)
	for p := 0; p < found; p += 2 {
		n.replText = append(n.replText, t[parts[p]:parts[p+1]]...)
		for q := parts[p]; q < parts[p+1]; q++ {
			n.replSrc = append(n.replSrc, int32(q))
		}
	}
	n.edits = append(n.edits, edit{start: start, end: parts[found-1], rs: rs, re: len(n.replText)})
	return parts[found-1]
}

func isJoinSep(c byte) bool {
	return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' || c == '\''
}

// joinLetters joins single letters split by dots, spaces or emoji
// ("T.e.l.e.g.r.a.m", "W A") into one word. Three letters or more join;
// two join only when both were capitals one separator apart, so "i.e."
// stays as it is. It returns the end of the rewritten text, or i.
func (n *normalizer) joinLetters(dst *normalized, t []byte, src string, i int) int {
	// A letter beside a letter of another alphabet is the end of a word,
	// not a letter on its own: "NGÂN HÀNG" is two words, not "n h".
	if !isASCIILetter(t[i]) || i > 0 && t[i-1] >= utf8.RuneSelf && wordRuneBefore(t, i) {
		return i
	}
	// Nearly every single letter ("a job", "I am") has a word after it,
	// not another single letter: that is seen before anything is set up.
	s := 0
	for i+1+s < len(t) && s < 3 && isJoinSep(t[i+1+s]) {
		s++
	}
	if q := i + 1 + s; s == 0 || q >= len(t) || !isASCIILetter(t[q]) || q+1 < len(t) && wordRuneAt(t, q+1) {
		return i
	}
	rs := len(n.replText)
	letters := append(n.letters[:0], i)
	defer func() { n.letters = letters[:0] }()
	widest := 0
	k := i + 1
	var sep []byte // every separator of one split word is the same
	for len(letters) < 64 {
		s := 0
		for k+s < len(t) && s < 3 && isJoinSep(t[k+s]) {
			s++
		}
		q := k + s
		if s == 0 || q >= len(t) || !isASCIILetter(t[q]) || q+1 < len(t) && wordRuneAt(t, q+1) {
			break
		}
		if sep == nil {
			sep = t[k:q]
		} else if string(sep) != string(t[k:q]) {
			break
		}
		widest = max(widest, s)
		letters = append(letters, q)
		k = q + 1
	}
	switch {
	case len(letters) >= 3:
	case len(letters) == 2 && widest == 1 && isUpper(src, dst.origAt(letters[0])) && isUpper(src, dst.origAt(letters[1])):
	default:
		return i
	}
	for _, p := range letters {
		n.replText = append(n.replText, t[p])
		n.replSrc = append(n.replSrc, int32(p))
	}
	last := letters[len(letters)-1] + 1
	n.edits = append(n.edits, edit{start: i, end: last, rs: rs, re: len(n.replText)})
	if len(letters) >= 4 || n.known[string(n.replText[rs:])] {
		dst.obfuscated++
	}
	return last
}

func isUpper(src string, at int) bool {
	c := src[at]
	return c >= 'A' && c <= 'Z'
}

// numberWords are digits written as words in English, Indonesian, Malay
// and Tagalog ("zero nine one seven ..."), a way to slip phone numbers
// past filters. Values are the digit plus one, so zero means "not a digit".
var numberWords = map[string]byte{
	"zero": 1, "one": 2, "two": 3, "three": 4, "four": 5, "five": 6, "six": 7, "seven": 8, "eight": 9, "nine": 10,
	"nol": 1, "kosong": 1, "sifar": 1, "satu": 2, "dua": 3, "tiga": 4, "empat": 5, "lima": 6, "enam": 7, "tujuh": 8,
	"delapan": 9, "lapan": 9, "sembilan": 10, "sero": 1, "isa": 2, "dalawa": 3, "tatlo": 4, "apat": 5, "anim": 7,
	"pito": 8, "walo": 9, "siyam": 10,
}

// numberWordLens[first&31][last&31] has bit n-3 set when some number
// word of n letters starts and ends with those letters: it turns away
// nearly every other word before the map is asked.
var numberWordLens = func() (t [32][32]uint8) {
	for w := range numberWords {
		t[w[0]&31][w[len(w)-1]&31] |= 1 << (len(w) - 3)
	}
	return t
}()

// numberWordLen is non-zero when a word of n bytes from first to last
// may be a number word. It has no branch: a shift past the byte, for
// words too short or too long, leaves nothing.
func numberWordLen(n int, first, last byte) uint8 {
	return numberWordLens[first&31][last&31] >> uint(n-3) & 1
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// joinNumberWords turns a run of three or more digit words into digits;
// shorter runs ("one or two") stay words.
func (n *normalizer) joinNumberWords(t []byte, i int) int {
	rs := len(n.replText)
	k, end, count := i, i, 0
	for k < len(t) {
		e := k
		for e < len(t) && isASCIILetter(t[e]) {
			e++
		}
		d := numberWords[string(t[k:e])]
		if d == 0 || e == k {
			break
		}
		n.replText = append(n.replText, '0'+d-1)
		n.replSrc = append(n.replSrc, int32(k))
		count++
		end = e
		s := e
		for s < len(t) && s-e < 2 && (t[s] == ' ' || t[s] == '-' || t[s] == ',') {
			s++
		}
		if s == e || s >= len(t) || !isASCIILetter(t[s]) {
			break
		}
		k = s
	}
	if count < 3 {
		n.replText, n.replSrc = n.replText[:rs], n.replSrc[:rs]
		return i
	}
	n.edits = append(n.edits, edit{start: i, end: end, rs: rs, re: len(n.replText)})
	return end
}

// phoneCodes start the international numbers of the countries lures are
// posted from and to; a run of digit groups that starts with one, with +
// or with 0 is a phone number split to dodge filters, not an amount.
var phoneCodes = []string{"855", "856", "95", "66", "62", "63", "84", "60", "86", "65", "886", "852", "81", "82"}

// joinPhone joins a phone number split by spaces, dots or dashes
// ("+ 8 5 5 · 9 7 · 0 0 0 · 4 4 6 8") into one run of digits.
func (n *normalizer) joinPhone(t []byte, i int) int {
	// Nearly every number is one group of digits ("2019", "3 years"); a
	// number split in groups has a separator and a digit after its first
	// group. That is seen before any digit is copied.
	k := i
	if t[k] == '+' {
		k++
		if k < len(t) && t[k] == ' ' {
			k++
		}
	}
	e := k
	for e < len(t) && isASCIIDigit(t[e]) && e-k < 15 {
		e++
	}
	s := 0
	for e+s < len(t) && s < 3 && isPhoneSep(t[e+s]) {
		s++
	}
	if s == 0 || e+s >= len(t) || !isASCIIDigit(t[e+s]) {
		return i
	}
	rs := len(n.replText)
	k = i
	plus := t[k] == '+'
	if plus {
		n.replText = append(n.replText, '+')
		n.replSrc = append(n.replSrc, int32(k))
		k++
		if k < len(t) && t[k] == ' ' {
			k++
		}
	}
	digits, groups, end := 0, 0, i
	for k < len(t) && isASCIIDigit(t[k]) && digits < 15 {
		for k < len(t) && isASCIIDigit(t[k]) && digits < 15 {
			n.replText = append(n.replText, t[k])
			n.replSrc = append(n.replSrc, int32(k))
			digits++
			k++
		}
		groups++
		end = k
		s := 0
		for k+s < len(t) && s < 3 && isPhoneSep(t[k+s]) {
			s++
		}
		if s == 0 {
			break
		}
		k += s
	}
	d := string(n.replText[rs:])
	if plus {
		d = d[1:]
	}
	ok := groups >= 2 && (end >= len(t) || !isASCIIAlnum(t[end])) &&
		(digits >= 9 || plus && digits >= 8) && (plus || d[0] == '0' || hasPhoneCode(d))
	if !ok {
		n.replText, n.replSrc = n.replText[:rs], n.replSrc[:rs]
		return i
	}
	n.edits = append(n.edits, edit{start: i, end: end, rs: rs, re: len(n.replText)})
	return end
}

// joinSpacedDigits joins a number typed, or read off a poster, one digit
// at a time ("1 0 0 0 $", "1 , 2 0 0 $"): three digits or more, each
// alone and one space from the next, with a thousands mark between two
// of them kept. A number so spread is hidden from filters or was set in
// a wide poster font; either way it is the amount the reader sees. It
// returns the end of the rewritten text, or i.
func (n *normalizer) joinSpacedDigits(t []byte, i int) int {
	lone := func(k int) bool {
		return k < len(t) && isASCIIDigit(t[k]) && (k+1 == len(t) || !isASCIIAlnum(t[k+1]))
	}
	// Nearly every number is a group of digits, or one digit with a word
	// after it: that is seen before anything is copied.
	if !lone(i) || i+2 >= len(t) || t[i+1] != ' ' || !isASCIIDigit(t[i+2]) && t[i+2] != ',' && t[i+2] != '.' {
		return i
	}
	rs := len(n.replText)
	digits, k := 0, i
	for {
		n.replText = append(n.replText, t[k])
		n.replSrc = append(n.replSrc, int32(k))
		digits++
		k++
		if k+1 < len(t) && t[k] == ' ' && lone(k+1) {
			k++
			continue
		}
		if k+3 < len(t) && t[k] == ' ' && (t[k+1] == ',' || t[k+1] == '.') && t[k+2] == ' ' && lone(k+3) {
			n.replText = append(n.replText, t[k+1])
			n.replSrc = append(n.replSrc, int32(k+1))
			k += 3
			continue
		}
		break
	}
	// Eight digits or more, or a group of digits after them, are the
	// start of a phone number ("0 8 1 2 3456 7890"), not pay.
	if digits < 3 || digits > 7 || k+1 < len(t) && isPhoneSep(t[k]) && isASCIIDigit(t[k+1]) {
		n.replText, n.replSrc = n.replText[:rs], n.replSrc[:rs]
		return i
	}
	n.edits = append(n.edits, edit{start: i, end: k, rs: rs, re: len(n.replText)})
	return k
}

// isPhoneSep reports whether c may split the groups of a phone number.
func isPhoneSep(c byte) bool {
	return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')'
}

func hasPhoneCode(d string) bool {
	for _, p := range phoneCodes {
		if len(d) > len(p)+6 && d[:len(p)] == p {
			return true
		}
	}
	return false
}

// leetSymbol is 1 for the bytes after a word that make it worth a
// leetspeak check: the symbols of leetFor ("wh@tsapp").
var leetSymbol = func() (t [256]uint8) {
	for c, l := range leetFor {
		if l != 0 && !isASCIIAlnum(byte(c)) {
			t[c] = 1
		}
	}
	return t
}()

// leetFor maps the characters leetspeak puts for letters; 1 and ! may
// stand for l or i, and both are tried.
var leetFor = [128]byte{'0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '!': 'i', '|': 'l'}

// unLeet rewrites a token such as "te1egram" or "wh@tsapp" when, read as
// letters, it is a word of the rule pack.
func (n *normalizer) unLeet(dst *normalized, t []byte, i int) int {
	end, letters, leet := i, 0, 0
	for end < len(t) && end-i < 24 {
		c := t[end]
		switch {
		case isASCIILetter(c):
			letters++
		case c < 128 && leetFor[c] != 0:
			leet++
		default:
			goto done
		}
		end++
	}
done:
	if leet == 0 || letters < 2 || end-i < 4 || (end < len(t) && isASCIIAlnum(t[end])) {
		return i
	}
	var buf [24]byte
	word := buf[:end-i]
	var ones []int
	for k := i; k < end; k++ {
		c := t[k]
		if isASCIILetter(c) {
			word[k-i] = c
			continue
		}
		word[k-i] = leetFor[c]
		if c == '1' || c == '!' {
			ones = append(ones, k-i)
		}
	}
	if len(ones) > 3 {
		return i
	}
	for mask := 0; mask < 1<<len(ones); mask++ {
		for b, p := range ones {
			if mask&(1<<b) != 0 {
				word[p] = 'i'
			} else {
				word[p] = 'l'
			}
		}
		if n.known[string(word)] {
			rs := len(n.replText)
			n.replText = append(n.replText, word...)
			for k := i; k < end; k++ {
				n.replSrc = append(n.replSrc, int32(k))
			}
			n.edits = append(n.edits, edit{start: i, end: end, rs: rs, re: len(n.replText)})
			dst.obfuscated++
			return end
		}
	}
	return i
}

// origSpan maps the normalised byte range [start, end) of a field back to
// the original text: from the rune the first byte came from to the end of
// the rune the last byte came from, with any combining marks after it.
func (d *normalized) origSpan(src string, start, end int) (int, int) {
	if start >= end || end > len(d.text) {
		return 0, 0
	}
	// One search for the first byte; the last is nearly always in the
	// same segment or one of the next few.
	k := segIndex(d.segs, start)
	os := origAtSeg(d.segs[k], start)
	for k+1 < len(d.segs) && int(d.segs[k+1].at) <= end-1 {
		k++
	}
	last := origAtSeg(d.segs[k], end-1)
	_, size := utf8.DecodeRuneInString(src[last:])
	oe := last + size
	for oe < len(src) {
		r, s := utf8.DecodeRuneInString(src[oe:])
		if r < 0x0300 || r > 0x036F {
			break
		}
		oe += s
	}
	return os, oe
}

// hasDigit reports whether b has an ASCII digit, eight bytes at a time.
func hasDigit(b []byte) bool {
	for ; len(b) >= 8; b = b[8:] {
		if hasDigitByte(binary.LittleEndian.Uint64(b)) {
			return true
		}
	}
	for _, c := range b {
		if isASCIIDigit(c) {
			return true
		}
	}
	return false
}
