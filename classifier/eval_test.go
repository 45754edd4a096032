package classifier

import (
	"math/rand/v2"
	"testing"
)

// randomText mixes ASCII words, digits and punctuation with Thai, Lao,
// Burmese, Khmer, Chinese and Vietnamese, cut at any byte.
func randomText(r *rand.Rand, n int) []byte {
	pieces := []string{"salary", "Gaji", " ", "  ", "1,500", "usd", ".", "\n", "ก", "ງ", "မ", "ក", "薪", "月薪", "lương", "ǆ", "@", "+855", "a", "z", "{", "`"}
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
