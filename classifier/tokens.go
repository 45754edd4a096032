package classifier

import (
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
}

// of fills the bits for t and returns them; bits past the end are zero.
func (tb *tokenBits) of(t []byte) *tokenBits {
	nw := (len(t) + 63) / 64
	if cap(tb.alnum) < nw {
		tb.start, tb.alnum, tb.digit = make([]uint64, nw), make([]uint64, nw), make([]uint64, nw)
	}
	tb.start, tb.alnum, tb.digit = tb.start[:nw], tb.alnum[:nw], tb.digit[:nw]
	var tail [8]byte
	carry := uint64(0) // whether the last byte of the word before is a letter or digit
	for w := range nw {
		var a, d, p uint64
		for k := 0; k < 64; k += 8 {
			at := w*64 + k
			if at >= len(t) {
				break
			}
			var x uint64
			if at+8 <= len(t) {
				x = binary.LittleEndian.Uint64(t[at:])
			} else {
				tail = [8]byte{}
				copy(tail[:], t[at:])
				x = binary.LittleEndian.Uint64(tail[:])
			}
			low := x &^ highBits
			letters := (low + (0x80-'a')*lowBits) &^ (low + (0x80-'z'-1)*lowBits)
			digits := (low + (0x80-'0')*lowBits) &^ (low + (0x80-'9'-1)*lowBits)
			plus := ^((low ^ '+'*lowBits) + 0x7f*lowBits)
			letters &^= x
			digits &^= x
			plus &^= x
			a |= gatherHigh(letters|digits) << k
			d |= gatherHigh(digits) << k
			p |= gatherHigh(plus) << k
		}
		tb.start[w], tb.alnum[w], tb.digit[w] = a&^(a<<1|carry)|p, a, d
		carry = a >> 63
	}
	return tb
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
