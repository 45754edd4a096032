package classifier

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

// foldTable maps a non-ASCII rune to what the rules read instead: NFKC,
// lower case, Cyrillic and Greek look-alikes as Latin, digits of every
// script as ASCII, traditional Chinese characters as simplified, emoji as
// a space, invisible characters as nothing. Runes it does not list read
// as themselves.
//
// Mapping rune by rune is what makes normalisation fast; NFKC is contextual
// only for combining marks, which the normaliser composes itself.
type foldTable struct {
	// An entry of 0 means the rune reads as itself; otherwise its low
	// bits are the index in pool plus one, and its top two bits say how
	// folding the rune may undo a trick (obfNever, ...).
	pages [0x110000 >> 8]*[256]uint32
	pool  []string
	// folds has a bit for each rune of the Basic Multilingual Plane that
	// has an entry: eight kilobytes, so the test for the runes of
	// Chinese, Thai and the rest, nearly all of which read as
	// themselves, stays in the fastest cache.
	folds [0x10000 / 64]uint64
}

// foldsBMP reports whether rune r, below 0x10000, has an entry.
func (t *foldTable) foldsBMP(r rune) bool {
	return t.folds[r>>6]>>(r&63)&1 != 0
}

// How folding a rune may undo a trick to hide a word from filters; see
// obfuscating.
const (
	obfNever     = iota
	obfAlways    // a full-width or mathematical letter
	obfLookAlike // a letter drawn like a Latin one
	obfInvisible // an invisible character

	obfShift = 30
	poolMask = 1<<obfShift - 1
)

// entry is the rune's entry in the table, 0 when it reads as itself.
func (t *foldTable) entry(r rune) uint32 {
	p := t.pages[r>>8]
	if p == nil {
		return 0
	}
	return p[r&0xff]
}

func (t *foldTable) lookup(r rune) (string, bool) {
	e := t.entry(r)
	if e == 0 {
		return "", false
	}
	return t.pool[e&poolMask-1], true
}

func (t *foldTable) set(r rune, s string, index map[string]uint32) {
	if s == string(r) {
		return
	}
	p := t.pages[r>>8]
	if p == nil {
		p = new([256]uint32)
		t.pages[r>>8] = p
	}
	i, ok := index[s]
	if !ok {
		t.pool = append(t.pool, s)
		i = uint32(len(t.pool))
		index[s] = i
	}
	p[r&0xff] = i | obfuscationKind(r)<<obfShift
	if r < 0x10000 {
		t.folds[r>>6] |= 1 << (r & 63)
	}
}

// obfuscationKind sorts a rune by how folding it may undo a trick: a
// full-width or mathematical letter always does; a look-alike letter or
// an invisible character does beside Latin letters.
func obfuscationKind(r rune) uint32 {
	switch {
	case r >= 0xFF21 && r <= 0xFF3A, r >= 0xFF41 && r <= 0xFF5A, r == 0xFF20,
		r >= 0x1D400 && r <= 0x1D7FF, r >= 0x1F150 && r <= 0x1F189:
		return obfAlways
	}
	if _, ok := lookAlikes[r]; ok {
		return obfLookAlike
	}
	if isInvisible(r) {
		return obfInvisible
	}
	if r >= 0x400 && r <= 0x4FF {
		if _, ok := lookAlikes[r+0x20]; ok { // upper-case Cyrillic
			return obfLookAlike
		}
	}
	return obfNever
}

// theFoldTable is built once and never changed: it is a pure function of
// the Unicode and OpenCC tables compiled into the binary.
var theFoldTable = sync.OnceValue(buildFoldTable)

// lookAlikes are letters drawn like Latin ones and used to dodge keyword
// filters ("tеlеgram" with Cyrillic е). Keys are lower case.
var lookAlikes = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'г': 'r', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'п': 'n',
	'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ь': 'b', 'ѕ': 's', 'і': 'i', 'ї': 'i', 'ј': 'j',
	'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ӏ': 'l', 'ү': 'y', 'ɡ': 'g',
	// Greek
	'α': 'a', 'β': 'b', 'γ': 'y', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'μ': 'u', 'ν': 'v', 'ο': 'o',
	'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w', 'ϲ': 'c',
	// Latin small capitals and other stand-ins
	'ı': 'i', 'ȷ': 'j', 'ɑ': 'a', 'ɩ': 'i', 'ʟ': 'l', 'ɢ': 'g', 'ɴ': 'n', 'ʀ': 'r', 'ꜱ': 's', 'ᴀ': 'a',
	'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ʜ': 'h', 'ᴊ': 'j', 'ᴋ': 'k', 'ᴍ': 'm', 'ᴏ': 'o', 'ᴘ': 'p',
	'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ᴢ': 'z',
}

// punctuationFolds unify punctuation that comes in many shapes.
var punctuationFolds = map[rune]string{
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-", '﹘': "-",
	'·': ".", '•': ".", '・': ".", '∙': ".", '‧': ".", '●': ".",
	'‘': "'", '’': "'", '‚': "'", '“': "\"", '”': "\"", '„': "\"",
	'〜': "~", '～': "~",
	'\u2028': "\n", '\u2029': "\n", '\u0085': "\n",
	'➕': "+", '＋': "+",
}

func buildFoldTable() *foldTable {
	t := &foldTable{}
	index := map[string]uint32{}
	ranges := [][2]rune{
		{0x80, 0x2FFF}, {0x3000, 0x33FF}, {0xA640, 0xA69F}, {0xA720, 0xA7FF}, {0xF900, 0xFAFF},
		{0xFB00, 0xFFFF}, {0x1D400, 0x1D7FF}, {0x1F100, 0x1F1FF},
	}
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			t.set(r, foldRune(r), index)
		}
	}
	// Emoji and pictographs separate words; variation selectors, skin
	// tones, tags and the keycap mark vanish, so "1️⃣8️⃣" reads "18".
	for r := rune(0x1F000); r <= 0x1FAFF; r++ {
		if r >= 0x1F100 && r < 0x1F1E6 {
			continue // enclosed alphanumerics, folded above
		}
		t.set(r, " ", index)
	}
	// Negative circled and squared letters (🅣🅔🅛) have no NFKC form.
	for r := rune(0x1F150); r <= 0x1F169; r++ {
		t.set(r, string('a'+(r-0x1F150)), index)
	}
	for r := rune(0x1F170); r <= 0x1F189; r++ {
		t.set(r, string('a'+(r-0x1F170)), index)
	}
	for r := rune(0x1F3FB); r <= 0x1F3FF; r++ {
		t.set(r, "", index)
	}
	t.set(0x1F51F, "10", index) // keycap ten
	for r := rune(0xE0000); r <= 0xE01EF; r++ {
		t.set(r, "", index)
	}
	// Traditional Chinese characters read as their simplified forms, so
	// one keyword list serves posts from Taiwan, Hong Kong, Macau and the
	// Chinese of Malaysia and Cambodia too. The pairs are OpenCC's
	// character table, the one Chinese search and input tools use.
	t2s, err := opencc.New("t2s")
	if err != nil {
		panic(fmt.Sprintf("load the traditional-to-simplified Chinese table: %v", err))
	}
	for _, rg := range [][2]rune{{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if s, err := t2s.Convert(string(r)); err == nil && utf8.RuneCountInString(s) == 1 {
				t.set(r, s, index)
			}
		}
	}
	return t
}

// foldRune computes one rune's normalised form.
func foldRune(r rune) string {
	switch {
	case isInvisible(r):
		return ""
	case r >= 0x0300 && r <= 0x036F:
		return "" // a combining mark the normaliser could not compose
	case r < 0xA0 && r >= 0x80:
		if r == 0x85 {
			return "\n"
		}
		return " "
	case r >= 0x2190 && r <= 0x21FF, r >= 0x2300 && r <= 0x23FF, r >= 0x2500 && r <= 0x25FF,
		r >= 0x2600 && r <= 0x27BF && r != 0x2795, r >= 0x2B00 && r <= 0x2BFF, r >= 0x2900 && r <= 0x297F:
		if s, ok := punctuationFolds[r]; ok {
			return s
		}
		return " "
	}
	if s, ok := punctuationFolds[r]; ok {
		return s
	}
	s := strings.ToLower(norm.NFKC.String(string(r)))
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == 0x0307: // the dot left by lower-casing İ
			continue
		case unicode.Is(unicode.Nd, c) && c > 0x7F:
			b.WriteByte(byte('0' + digitValue(c)))
			continue
		}
		if p, ok := punctuationFolds[c]; ok {
			b.WriteString(p)
			continue
		}
		if l, ok := lookAlikes[c]; ok {
			b.WriteRune(l)
			continue
		}
		if isInvisible(c) {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x206F,
		r == 0xFEFF, r == 0x00AD, r == 0x034F, r == 0x180E, r >= 0xFE00 && r <= 0xFE0F, r == 0x20E3,
		r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0:
		return true
	}
	return false
}

// digitValue is the value of a decimal digit of any script: Unicode lays
// each script's digits out as ten consecutive code points from zero.
func digitValue(r rune) int {
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	return 0
}
