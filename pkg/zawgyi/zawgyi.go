// Package zawgyi reads Burmese typed in Zawgyi, the font encoding most
// Burmese text was typed in until 2019, and much of what is posted in
// Myanmar still is. It reuses the code points of the Unicode Myanmar block
// for the shapes its font draws: a vowel typed before the consonant it
// follows when spoken, the medials under other code points, stacked
// consonants as code points of their own. Text in it must be converted
// before Unicode Burmese can match it, and shown converted before a
// Unicode font draws it right.
//
// Conversion works a syllable at a time: each Zawgyi code point is mapped
// to its Unicode sequence, then the syllable's parts are put in the order
// Unicode stores them (Unicode Technical Note 11).
package zawgyi

import (
	"strings"
	"unicode/utf8"
)

// Ranks of the parts of a Unicode syllable, in the order they are stored.
const (
	rkKinzi = iota
	rkBase
	rkStack
	rkMedialY
	rkMedialR
	rkMedialW
	rkMedialH
	rkVowelE
	rkUpperVowel
	rkLowerVowel
	rkVowelA
	rkAnusvara
	rkDotBelow
	rkAsat
	rkVisarga
	rkOther
)

// unicodeRank is where Unicode stores mark r in a syllable.
func unicodeRank(r rune) uint8 {
	switch r {
	case 0x103B:
		return rkMedialY
	case 0x103C:
		return rkMedialR
	case 0x103D:
		return rkMedialW
	case 0x103E:
		return rkMedialH
	case 0x1031:
		return rkVowelE
	case 0x102D, 0x102E, 0x1032:
		return rkUpperVowel
	case 0x102F, 0x1030:
		return rkLowerVowel
	case 0x102B, 0x102C:
		return rkVowelA
	case 0x1036:
		return rkAnusvara
	case 0x1037:
		return rkDotBelow
	case 0x103A:
		return rkAsat
	case 0x1038:
		return rkVisarga
	}
	return rkOther
}

// The kinds of Zawgyi code points, by where they stand in a syllable.
const (
	none       = iota // not part of a syllable: digits, punctuation
	preBase           // typed before the consonant: the vowel e, medial ra
	baseLetter        // a consonant or an independent vowel
	mark              // typed after the consonant
)

func kind(r rune) uint8 {
	switch {
	case r == 0x1031 || r == 0x103B || r >= 0x107E && r <= 0x1084:
		return preBase
	case r >= 0x1000 && r <= 0x102A, r == 0x104E, r == 0x1086, r == 0x106A, r == 0x106B,
		r == 0x106E, r == 0x106F, r == 0x108F, r == 0x1090, r >= 0x1091 && r <= 0x1092, r == 0x1097:
		return baseLetter
	case r >= 0x102B && r <= 0x1039, r == 0x103A, r == 0x103C, r == 0x103D, r == 0x103F,
		r == 0x105A, r >= 0x1060 && r <= 0x107D, r == 0x1085, r >= 0x1087 && r <= 0x108E,
		r >= 0x1093 && r <= 0x1096:
		return mark
	}
	return none
}

// toUnicode is the Unicode for each Zawgyi code point that differs.
// A kinzi (the syllable-final nga stacked over the next consonant) is
// marked by its leading "င်္", which goes before the consonant it is
// typed after.
var toUnicode = map[rune]string{
	0x1033: "\u102F", 0x1034: "\u1030", 0x103F: "\u1030",
	0x1039: "\u103A",                   // asat
	0x103A: "\u103B", 0x107D: "\u103B", // medial ya
	0x103B: "\u103C", 0x107E: "\u103C", 0x107F: "\u103C", 0x1080: "\u103C", // medial ra
	0x1081: "\u103C", 0x1082: "\u103C", 0x1083: "\u103C", 0x1084: "\u103C",
	0x103C: "\u103D",                   // medial wa
	0x103D: "\u103E", 0x1087: "\u103E", // medial ha
	0x1088: "\u103E\u102F", 0x1089: "\u103E\u1030", 0x108A: "\u103D\u103E",
	0x1060: "\u1039\u1000", 0x1061: "\u1039\u1001", 0x1062: "\u1039\u1002", 0x1063: "\u1039\u1003",
	0x1065: "\u1039\u1005", 0x1066: "\u1039\u1006", 0x1067: "\u1039\u1006", 0x1068: "\u1039\u1007",
	0x1069: "\u1039\u1008", 0x106C: "\u1039\u100B", 0x106D: "\u1039\u100C", 0x1070: "\u1039\u100F",
	0x1071: "\u1039\u1010", 0x1072: "\u1039\u1010", 0x1073: "\u1039\u1011", 0x1074: "\u1039\u1011",
	0x1075: "\u1039\u1012", 0x1076: "\u1039\u1013", 0x1077: "\u1039\u1014", 0x1078: "\u1039\u1015",
	0x1079: "\u1039\u1016", 0x107A: "\u1039\u1017", 0x107B: "\u1039\u1018", 0x1093: "\u1039\u1018",
	0x107C: "\u1039\u1019", 0x1085: "\u1039\u101C", 0x1096: "\u1039\u1010\u103D",
	0x1064: "\u1004\u103A\u1039", 0x108B: "\u1004\u103A\u1039\u102D",
	0x108C: "\u1004\u103A\u1039\u102E", 0x108D: "\u1004\u103A\u1039\u1036",
	0x108E: "\u102D\u1036", 0x1094: "\u1037", 0x1095: "\u1037", 0x105A: "\u102B\u103A",
	// consonants drawn in another shape or stacked with their own kind
	0x106A: "\u1009", 0x106B: "\u100A", 0x108F: "\u1014", 0x1090: "\u101B", 0x1086: "\u103F",
	0x106E: "\u100D\u1039\u100D", 0x106F: "\u100D\u1039\u100E", 0x1091: "\u100F\u1039\u100D",
	0x1092: "\u100B\u1039\u100C", 0x1097: "\u100B\u1039\u100B",
	0x104E: "\u104E\u1004\u103A\u1038",
}

// Is reports whether the Burmese in s is typed in Zawgyi. It
// counts what only one of the encodings can hold: a vowel e or a medial
// ra before any consonant, or an asat that ends a syllable, are Zawgyi; a
// kinzi, a medial ha or an asat that ends a word are Unicode. Text with
// no Burmese has neither.
func Is(s string) bool {
	zg, uni := 0, 0
	var prev rune
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			prev = rune(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r < 0x1000 || r > 0x109F {
			prev = r
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1031 && !isConsonant(prev) && (prev < 0x103B || prev > 0x103E):
			zg++ // in Unicode the vowel e follows its consonant
		case r == 0x103B && !isConsonant(prev) && isConsonant(next):
			zg++ // medial ra, typed before its consonant
		case r == 0x1039 && !isConsonant(next):
			zg++ // Zawgyi's asat; in Unicode a stacking mark, always before a consonant
		case r >= 0x1060 && r <= 0x1097 && isConsonant(prev):
			zg++ // a stacked consonant or a variant shape
		case r >= 0x107E && r <= 0x1084 && isConsonant(next):
			zg++ // a wider medial ra, typed before its consonant
		case (r == 0x1033 || r == 0x1034) && prev >= 0x1000 && prev <= 0x103F:
			zg++ // Zawgyi's long-legged u and uu, Mon vowels in Unicode
		case r == 0x1031 && prev >= 0x103B && prev <= 0x103E:
			uni++
		case r == 0x103A && (next < 0x1000 || next > 0x109F):
			uni++ // asat at the end of a word
		case r == 0x103E:
			uni++
		case r == 0x1039 && prev == 0x103A:
			uni++ // kinzi
		}
		prev = r
	}
	return zg > uni
}

func isConsonant(r rune) bool { return r >= 0x1000 && r <= 0x1021 }

// unit is one part of a syllable being converted: one rune, or a
// stacking mark with its consonant, or a kinzi.
type unit struct {
	runes [3]rune
	n     uint8
	rank  uint8
}

// IsMyanmar reports whether r is in the Myanmar block, where Zawgyi's
// code points are.
func IsMyanmar(r rune) bool { return r >= 0x1000 && r <= 0x109F }

// Converter converts Zawgyi a syllable at a time, reusing its memory.
type Converter struct {
	units []unit
}

// Next converts the syllable at s[i:], or the one code point there when
// it starts none (a digit, a sign, a mark on its own), and appends its
// Unicode to dst. It returns dst, the offset of the last code point it
// read and the offset after it. s[i:] must start with a code point of the
// Myanmar block.
func (c *Converter) Next(dst []rune, s string, i int) (out []rune, last, next int) {
	r, size := utf8.DecodeRuneInString(s[i:])
	fourForSign := r == 0x1044 && strings.HasPrefix(s[i+size:], "\u1004\u1039\u1038")
	if kind(r) == none && !fourForSign && !((r == 0x1040 || r == 0x1047) && inWord(s, i, size, false)) {
		return append(dst, r), i, i + size
	}
	units := c.units[:0]
	pre, base := 0, false
	last = i
	for j := i; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		k := kind(r)
		if (r == 0x1040 || r == 0x1047) && !base && len(units) == pre && inWord(s, j, size, pre > 0) {
			// Zawgyi typists write wa as the zero it looks like, and
			// some ra as the seven.
			if r == 0x1040 {
				r = 0x101D
			} else {
				r = 0x101B
			}
			k = baseLetter
		}
		if r == 0x1044 && !base && len(units) == 0 && strings.HasPrefix(s[j+size:], "\u1004\u1039\u1038") {
			r, k = 0x104E, baseLetter // "၄င္း", the four typed for ၎
		}
		if k == none || k == preBase && (base || len(units) > pre) || k == baseLetter && base {
			break
		}
		if k == mark && !base && len(units) == 0 {
			break // a mark with nothing to sit on: written as it is
		}
		if r == 0x1039 && strings.HasPrefix(s[j+size:], "\u103A") {
			// An asat typed before medial ya stays before it: "ယောက်ျား",
			// the one word spelled so.
			units = append(units, unit{runes: [3]rune{0x103A}, n: 1, rank: rkStack})
			last = j
			j += size
			continue
		}
		if r == 0x104E && strings.HasPrefix(s[j+size:], "\u1004\u1039\u1038") {
			// "၎" stands for "၎င်း" unless its rest is typed out too
			units = append(units, unit{runes: [3]rune{r}, n: 1, rank: rkBase})
		} else {
			units = appendUnits(units, r, k)
		}
		if k == preBase {
			pre = len(units)
		}
		base = base || k == baseLetter
		last = j
		j += size
	}
	c.units = units[:0]
	if len(units) == 0 {
		return append(dst, r), i, i + size
	}
	fixBase(units)
	sortUnits(units)
	units = dropRepeatedMarks(units)
	for _, u := range units {
		dst = append(dst, u.runes[:u.n]...)
	}
	_, lastSize := utf8.DecodeRuneInString(s[last:])
	return dst, last, last + lastSize
}

// inWord reports whether the digit of the given size at s[j:] stands
// among Burmese letters, not digits: then it is the letter it looks like.
// After a vowel e typed before it, it always is.
func inWord(s string, j, size int, afterE bool) bool {
	if afterE {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:j])
	next, _ := utf8.DecodeRuneInString(s[j+size:])
	isDigit := func(r rune) bool { return r >= '0' && r <= '9' || r >= 0x1040 && r <= 0x1049 }
	if isDigit(prev) || isDigit(next) {
		return false
	}
	return kind(prev) != none || kind(next) != none
}

// Convert returns s with its Burmese converted from Zawgyi to Unicode.
func Convert(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	var c Converter
	var buf []rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !IsMyanmar(r) {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		buf, _, i = c.Next(buf[:0], s, i)
		for _, r := range buf {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// appendUnits adds the Unicode for Zawgyi code point r, of kind k.
func appendUnits(units []unit, r rune, k uint8) []unit {
	s, ok := toUnicode[r]
	if !ok {
		rank := unicodeRank(r)
		if k == baseLetter {
			rank = rkBase
		}
		return append(units, unit{runes: [3]rune{r}, n: 1, rank: rank})
	}
	var buf [4]rune
	rs := buf[:0]
	for _, r := range s {
		rs = append(rs, r)
	}
	if len(rs) >= 3 && rs[0] == 0x1004 && rs[1] == 0x103A && rs[2] == 0x1039 {
		units = append(units, unit{runes: [3]rune{0x1004, 0x103A, 0x1039}, n: 3, rank: rkKinzi})
		rs = rs[3:]
	}
	for j := 0; j < len(rs); j++ {
		switch {
		case rs[j] == 0x1039 && j+1 < len(rs):
			units = append(units, unit{runes: [3]rune{0x1039, rs[j+1]}, n: 2, rank: rkStack})
			j++
		case k == baseLetter:
			// a letter and what is written with it ("၎င်း")
			units = append(units, unit{runes: [3]rune{rs[j]}, n: 1, rank: rkBase})
		default:
			units = append(units, unit{runes: [3]rune{rs[j]}, n: 1, rank: unicodeRank(rs[j])})
		}
	}
	return units
}

// sortUnits puts a syllable's parts in Unicode's order, keeping the order
// of parts of one rank: a few at a time, so by insertion.
func sortUnits(units []unit) {
	for j := 1; j < len(units); j++ {
		for k := j; k > 0 && units[k].rank < units[k-1].rank; k-- {
			units[k], units[k-1] = units[k-1], units[k]
		}
	}
}

// fixBase spells the vowels Zawgyi typists build from other
// letters the way Unicode does: u with an asat or aa is nya (ဉ), u with
// ii is uu (ဦ).
func fixBase(units []unit) {
	b := -1
	for j, u := range units {
		if u.rank == rkBase {
			b = j
			break
		}
	}
	if b < 0 || units[b].runes[0] != 0x1025 {
		return
	}
	for j, u := range units {
		switch u.runes[0] {
		case 0x103A, 0x102C:
			units[b].runes[0] = 0x1009
			return
		case 0x102E:
			units[b].runes[0] = 0x1026
			units[j].n = 0
			return
		}
	}
}

// dropRepeatedMarks drops a mark typed twice, which Zawgyi's font draws
// as one, and parts emptied by fixBase.
func dropRepeatedMarks(units []unit) []unit {
	out := units[:0]
	for _, u := range units {
		if u.n == 0 {
			continue
		}
		if k := len(out); k > 0 && u.rank > rkBase && u.rank != rkStack && out[k-1] == u {
			continue
		}
		out = append(out, u)
	}
	return out
}
