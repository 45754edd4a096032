package classifier

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// tokenBits marks, one bit a byte, where the letters, digits and plus
// signs of a normalised text are, so the second normalisation pass finds
// each token's start, end and digits with a few word operations instead
// of a branch on every byte: where a word ends cannot be guessed, and a
// wrong guess costs more than reading the bits.
type tokenBits struct {
	start []uint64 // where tokens start: a letter or digit after neither, and +
	alnum []uint64 // letters and digits
	digit []uint64
	// words counts the runs of letters and digits; ascii is set when
	// the text is all ASCII, where those runs are its words.
	words int
	ascii bool
}

// of fills the bits for t and returns them; bits past the end are zero.
func (tb *tokenBits) of(t []byte) *tokenBits {
	nw := (len(t) + 63) / 64
	if cap(tb.alnum) < nw {
		tb.start, tb.alnum, tb.digit = make([]uint64, nw), make([]uint64, nw), make([]uint64, nw)
	}
	tb.start, tb.alnum, tb.digit = tb.start[:nw], tb.alnum[:nw], tb.digit[:nw]
	full := len(t) / 64
	high := uint64(0)
	for w := range full {
		var h uint64
		tb.alnum[w], tb.digit[w], h = wordBits((*[64]byte)(t[w*64:]))
		high |= h
	}
	if full < nw {
		var tail [64]byte
		copy(tail[:], t[full*64:])
		var h uint64
		tb.alnum[full], tb.digit[full], h = wordBits(&tail)
		high |= h
	}
	carry := uint64(0) // whether the last byte of the word before is a letter or digit
	tb.words = 0
	for w, a := range tb.alnum {
		tb.start[w] = a &^ (a<<1 | carry)
		tb.words += bits.OnesCount64(tb.start[w])
		carry = a >> 63
	}
	tb.ascii = high == 0
	// Plus signs are rare: each is found by a search of its own.
	for i := 0; ; i++ {
		k := bytes.IndexByte(t[i:], '+')
		if k < 0 {
			break
		}
		i += k
		tb.start[i>>6] |= 1 << (i & 63)
	}
	return tb
}

// wordBits marks the letters and digits, and the digits, of 64 bytes;
// high has the top bit of some byte set when one of them is not ASCII.
func wordBits(b *[64]byte) (alnum, digit, high uint64) {
	for k := 0; k < 64; k += 8 {
		x := binary.LittleEndian.Uint64(b[k : k+8])
		high |= x & highBits
		low := x &^ highBits
		letters := (low + (0x80-'a')*lowBits) &^ (low + (0x80-'z'-1)*lowBits) &^ x
		digits := (low + (0x80-'0')*lowBits) &^ (low + (0x80-'9'-1)*lowBits) &^ x
		alnum |= gatherHigh(letters|digits) << k
		digit |= gatherHigh(digits) << k
	}
	return alnum, digit, high
}

// gatherHigh packs the top bit of each byte of x into the low byte: byte
// k's bit lands at bit k.
func gatherHigh(x uint64) uint64 {
	return (x & highBits) * 0x0002040810204081 >> 56
}

// runEnd is the first position from j, at most n, that is not a letter
// or a digit.
func (tb *tokenBits) runEnd(j, n int) int {
	w := j >> 6
	if w >= len(tb.alnum) {
		return n
	}
	if m := ^tb.alnum[w] >> (j & 63); m != 0 {
		return min(n, j+bits.TrailingZeros64(m))
	}
	for w++; w < len(tb.alnum); w++ {
		if m := ^tb.alnum[w]; m != 0 {
			return min(n, w*64+bits.TrailingZeros64(m))
		}
	}
	return n
}

// digitsIn counts the digits in [j, e).
func (tb *tokenBits) digitsIn(j, e int) int {
	if w := j >> 6; w == (e-1)>>6 {
		return bits.OnesCount64(tb.digit[w] >> (j & 63) & (1<<(e-j) - 1))
	}
	return tb.digitsAcross(j, e)
}

// digitsAcross is digitsIn for a range across words of bits; kept out of
// line so that digitsIn is small.
//
//go:noinline
func (tb *tokenBits) digitsAcross(j, e int) int {
	c := 0
	for j < e {
		off := j & 63
		m := tb.digit[j>>6] >> off
		span := min(e-j, 64-off)
		if span < 64 {
			m &= 1<<span - 1
		}
		c += bits.OnesCount64(m)
		j += span
	}
	return c
}
