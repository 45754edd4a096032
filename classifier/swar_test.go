package classifier

import (
	"math/rand/v2"
	"testing"
)

func TestEightBytesAtOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := range 200000 {
		var b [8]byte
		for i := range b {
			switch r.IntN(4) {
			case 0:
				b[i] = byte(r.IntN(256))
			case 1:
				b[i] = byte('0' + r.IntN(10))
			case 2:
				b[i] = "/09:`az{\xb0\xb9\xe1\xaf"[r.IntN(12)]
			default:
				b[i] = byte(r.IntN(128))
			}
		}
		if n%2 == 0 {
			for i := range b {
				b[i] &= 0x7f
			}
		}
		w := uint64(0)
		for i := 7; i >= 0; i-- {
			w = w<<8 | uint64(b[i])
		}
		letters, digit, ascii := 0, false, true
		for _, c := range b {
			if c >= 'a' && c <= 'z' {
				letters++
			}
			digit = digit || c >= '0' && c <= '9'
			ascii = ascii && c < 0x80
		}
		if got := hasDigitByte(w); got != digit {
			t.Fatalf("%q: hasDigitByte %v, want %v", b, got, digit)
		}
		if got := asciiLetters(w); ascii && got != letters {
			t.Fatalf("%q: asciiLetters %d, want %d", b, got, letters)
		}
	}
}
