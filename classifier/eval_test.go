package classifier

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// randomText mixes ASCII words, digits and punctuation with Thai, Lao,
// Burmese, Khmer, Chinese and Vietnamese, cut at any byte.
func randomText(r *rand.Rand, n int) []byte {
	pieces := []string{"salary", "Gaji", " ", "  ", "1,500", "usd", ".", "\n", "ก", "ງ", "မ", "ក", "่", "ิ", "ໍ", "ု", "ေ", "ာ", "ា", "់", "ำ", "薪", "月薪", "lương", "ǆ", "@", "+855", "a", "z", "{", "`", "人", "面"}
	var b []byte
	for len(b) < n {
		b = append(b, pieces[r.IntN(len(pieces))]...)
	}
	return b[:n]
}

// TestScriptCountsReadsEveryByte checks the counting eight bytes at a
// time against the plain byte-by-byte count.
func TestScriptCountsReadsEveryByte(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		text := randomText(r, r.IntN(600))
		var got, want [6]int
		scriptCounts(text, &got)
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case c < 0x80:
				if c >= 'a' && c <= 'z' {
					want[0]++
				}
			case c == 0xE0 && i+1 < len(text):
				switch text[i+1] {
				case 0xB8, 0xB9:
					want[1]++
				case 0xBA, 0xBB:
					want[2]++
				}
				i += 2
			case c == 0xE1 && i+1 < len(text):
				switch text[i+1] {
				case 0x80, 0x81:
					want[3]++
				case 0x9E, 0x9F:
					want[4]++
				}
				i += 2
			case c >= 0xE4 && c <= 0xE9:
				want[5]++
				i += 2
			}
		}
		if got != want {
			t.Fatalf("%q: counts %v, want %v", text, got, want)
		}
	}
}

// countTokensRef is countTokens as first written, a byte or rune at a
// time: the definition the eight-byte steps must agree with.
func countTokensRef(t []byte, a, b, limit int) int {
	n, inWord, unspaced := 0, false, 0
	for i := a; i < b && n <= limit; {
		c := t[i]
		if c < utf8.RuneSelf {
			if isASCIIAlnum(c) {
				if !inWord {
					n++
					inWord = true
				}
			} else {
				inWord = false
			}
			i++
			continue
		}
		r, s := utf8.DecodeRune(t[i:])
		i += s
		switch {
		case r >= 0x2E80 && isUnspacedScript(r):
			n++
			inWord = false
		case isUnspacedScript(r):
			if !unicode.In(r, unicode.Mn, unicode.Mc) {
				if unspaced%3 == 0 {
					n++
				}
				unspaced++
			}
			inWord = false
		case isSpacedWordRune(r):
			if !inWord {
				n++
				inWord = true
			}
		default:
			inWord = false
		}
	}
	return n
}

func TestCountTokensAgreesWithReference(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	for range 20000 {
		text := randomText(r, r.IntN(300))
		if r.IntN(3) == 0 && len(text) > 0 {
			// Bytes that are not UTF-8, and cut runes: the text to count
			// is normalised, but the count must not depend on it.
			k := r.IntN(len(text))
			text = append(text[:k:k], append([]byte([]string{"\xe5x\x80", "\xe9\x9d", "\xe4", "\x80\x80"}[r.IntN(4)]), text[k:]...)...)
		}
		a := r.IntN(len(text) + 1)
		b := a + r.IntN(len(text)-a+1)
		limit := r.IntN(60)
		if r.IntN(4) == 0 {
			limit = 1 << 30
		}
		if got, want := countTokens(text, a, b, limit), countTokensRef(text, a, b, limit); got != want {
			t.Fatalf("%q [%d:%d] limit %d: %d words, want %d", text, a, b, limit, got, want)
		}
	}
}

// TestLongKeywordsConfirmedPastThePrefix: keywords longer than the
// automaton holds (maxKeywordPrefix) match exactly where the whole keyword
// is in the text, with its word boundaries and its full span, whichever
// scan (all fields joined, or field by field) finds them.
func TestLongKeywordsConfirmedPastThePrefix(t *testing.T) {
	const thai = "ไม่ต้องบอกครอบครัวของคุณ"           // 72 bytes
	const english = "do not tell your family members" // 31 bytes
	if len(english) <= maxKeywordPrefix || len(thai) <= maxKeywordPrefix {
		t.Fatalf("the keywords must be longer than %d bytes", maxKeywordPrefix)
	}
	c, err := packOf(t, `
rules:
  - id: long
    weight: 3
    category: trafficking-lure
    description: A long keyword.
    when:
      keywords:
        en: ["`+english+`"]
        th: [`+thai+`]
    examples:
      match: ["`+english+`"]
  - id: filler
    weight: 0.25
    category: job-fraud
    description: A word repeated to fill the matches an ad may have.
    when: {keywords: {en: [filler]}}
    examples:
      match: [filler]
`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		title string
		spans []string // the texts of the long rule's spans, in order
	}{
		{"Please " + english + ", ok?", []string{english}},
		{english, []string{english}},
		{"Please do not tell your family membership", nil},
		{"Please do not tell your family memb", nil},
		{"Please do not tell your family, members", nil},
		{"งานดี " + thai + " นะ", []string{thai}},
		{"งานดี ไม่ต้องบอกครอบครัวของเขา", nil},
		{english + " and " + english, []string{english, english}},
	}
	for _, tc := range tests {
		for _, fieldByField := range []bool{false, true} {
			a := ad.Raw{Title: tc.title}
			if fieldByField {
				// So many matches in the body that the joined scan gives
				// way to one scan per field, the title's first.
				a.Body = strings.Repeat("filler ", maxMatchesPerAd)
			}
			v := c.Classify(&a)
			var got []string
			for _, h := range v.Hits {
				for _, s := range h.Spans {
					if h.Rule == "long" {
						got = append(got, s.Text)
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.spans, "|") {
				t.Errorf("%q (field by field %v): spans %q, want %q", tc.title, fieldByField, got, tc.spans)
			}
		}
	}
}

// Typists space Thai, Lao and Khmer as they please: the rules' phrases
// match across such spaces, and a space still ends a phrase for a
// negation cue after a phrase of its own, but not between words spaced
// one by one.
func TestSpacesInsideUnspacedPhrases(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		name, body, rule string
		fires            bool
	}{
		{"a phrase spaced word by word", "ໄປເຮັດວຽກໄທ ບໍ່ມີ ພາສປອດ ກໍ່ ໄປ ໄດ້ ມີ ຄົນ ພາ ຂ້າມ", "irregular-border-crossing", true},
		{"a negation ends at a phrase's space", "ບໍ່ຜ່ານຄືນເງິນ ຄ່າບໍລິການ 12,000,000 ກີບ ຈ່າຍກ່ອນ 50%", "upfront-fee", true},
		{"but reaches over words spaced one by one", "ບໍ່ຕ້ອງ ຈ່າຍ ຄ່າ ສະໝັກ ຫຼື ຄ່າ ໂປຣແກຣມ ໃດໆ", "upfront-fee", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(&ad.Raw{Body: tc.body, Lang: "lo"})
			if got := slices.Contains(hitRules(v), tc.rule); got != tc.fires {
				t.Errorf("%s fired %v, want %v (hits %v)", tc.rule, got, tc.fires, hitRules(v))
			}
		})
	}
}
