package classifier

import "math/bits"

// Tests on eight bytes at once, in a uint64 read little-endian: the hot
// loops use them to skip stretches of text with nothing to look at.

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// asciiLetters counts the bytes 'a' to 'z' in w, eight ASCII bytes: a
// byte is at least 'a' when adding 0x80-'a' sets its top bit, and above
// 'z' when adding 0x80-'z'-1 does; ASCII bytes never carry into the next.
func asciiLetters(w uint64) int {
	ge := (w + (0x80-'a')*lowBits) & highBits
	gt := (w + (0x80-'z'-1)*lowBits) & highBits
	return bits.OnesCount64(ge &^ gt)
}

// hasDigitByte reports whether any of the eight bytes in w is an ASCII
// digit. The top bit of each byte is set aside first, so the sums stay
// within their byte; a byte with its top bit set is never a digit.
func hasDigitByte(w uint64) bool {
	low := w &^ highBits
	ge := low + (0x80-'0')*lowBits // top bit set: the low seven bits are >= '0'
	gt := low + (0x80-'9'-1)*lowBits
	return ge&^gt&^w&highBits != 0
}
