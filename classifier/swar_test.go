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
				b[i] = "/09:`az{\xb0\xb9\xe1\xaf @AZ[\x1f\x7f\xe3\xe4\xe9\xea\xe0"[r.IntN(23)]
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
		digit, ascii, printable := false, true, true
		var spaces, upper uint64
		for i, c := range b {
			digit = digit || c >= '0' && c <= '9'
			ascii = ascii && c < 0x80
			printable = printable && c >= 0x20 && c < 0x7f
			if c == ' ' {
				spaces |= 0x80 << (8 * i)
			}
			if c >= 'A' && c <= 'Z' {
				upper |= 0x80 << (8 * i)
			}
		}
		if got := spaceBytes(w); got != spaces {
			t.Fatalf("%q: spaceBytes %x, want %x", b, got, spaces)
		}
		if got := plainASCII(w) != 0; got != printable {
			t.Fatalf("%q: plainASCII %v, want %v", b, got, printable)
		}
		if got := upperBytes(w); ascii && got != upper {
			t.Fatalf("%q: upperBytes %x, want %x", b, got, upper)
		}
		var eq, between, letters8 uint64
		c := b[r.IntN(8)]
		for i, x := range b {
			if x == c {
				eq |= 0x80 << (8 * i)
			}
			if x >= 0xE4 && x <= 0xE9 {
				between |= 0x80 << (8 * i)
			}
			if x >= 'a' && x <= 'z' {
				letters8 |= 0x80 << (8 * i)
			}
		}
		if got := bytesEqual(w, c); got != eq {
			t.Fatalf("%q: bytesEqual(%#x) %x, want %x", b, c, got, eq)
		}
		if got := bytesBetween(w, 0xE4, 0xE9); got != between {
			t.Fatalf("%q: bytesBetween %x, want %x", b, got, between)
		}
		if got := letterBytes(w); got != letters8 {
			t.Fatalf("%q: letterBytes %x, want %x", b, got, letters8)
		}
		if got := load64(string(b[:]), 0); got != w {
			t.Fatalf("%q: load64 %x, want %x", b, got, w)
		}
		if got := hasDigitByte(w); got != digit {
			t.Fatalf("%q: hasDigitByte %v, want %v", b, got, digit)
		}
	}
}
