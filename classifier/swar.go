package classifier

// Tests on eight bytes at once, in a uint64 read little-endian: the hot
// loops use them to skip stretches of text with nothing to look at.

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// hasDigitByte reports whether any of the eight bytes in w is an ASCII
// digit.
func hasDigitByte(w uint64) bool { return digitBytes(w) != 0 }

// digitBytes has the top bit of each byte of w that is an ASCII digit
// set. The top bit of each byte is set aside first, so the sums stay
// within their byte; a byte with its top bit set is never a digit.
func digitBytes(w uint64) uint64 {
	low := w &^ highBits
	ge := low + (0x80-'0')*lowBits // top bit set: the low seven bits are >= '0'
	gt := low + (0x80-'9'-1)*lowBits
	return ge &^ gt &^ w & highBits
}

// spaceBytes has the top bit of each byte of w that is a space set, and
// no other bit.
func spaceBytes(w uint64) uint64 {
	x := w ^ ' '*lowBits // spaces become zero bytes
	return ^((x&^highBits + 0x7f*lowBits) | x) & highBits
}

// upperBytes has the top bit of each byte of w that is 'A' to 'Z' set
// (w must be ASCII); shifted right by two it is the bit that makes them
// lower case.
func upperBytes(w uint64) uint64 {
	ge := w + (0x80-'A')*lowBits
	gt := w + (0x80-'Z'-1)*lowBits
	return ge &^ gt & highBits
}

// plainASCII is non-zero when all eight bytes of w are printable ASCII,
// 0x20 to 0x7e, the bytes that read as themselves or lower-cased.
func plainASCII(w uint64) uint64 {
	low := w &^ highBits
	ge := low + (0x80-0x20)*lowBits // top bit set: at least a space
	gt := low + (0x80-0x7f)*lowBits // top bit set: DEL
	if (ge&^gt)&^w&highBits != highBits {
		return 0
	}
	return 1
}

// load64 reads s[i:i+8] little-endian; the compiler makes it one load.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// bytesEqual has the top bit of each byte of w that equals c set.
func bytesEqual(w uint64, c byte) uint64 {
	x := w ^ uint64(c)*lowBits // the bytes equal to c become zero
	return ^((x&^highBits + 0x7f*lowBits) | x) & highBits
}

// bytesBetween has the top bit of each byte of w from lo to hi set; lo
// and hi must both have their top bit set, or both not.
func bytesBetween(w uint64, lo, hi byte) uint64 {
	top := uint64(lo&0x80) * lowBits // the bytes of the other half are out
	y := w ^ top
	low := y &^ highBits
	ge := low + uint64(0x80-lo&0x7f)*lowBits
	gt := low + uint64(0x80-hi&0x7f-1)*lowBits
	return ge &^ gt &^ y & highBits
}

// letterBytes has the top bit of each byte of w that is 'a' to 'z' set.
func letterBytes(w uint64) uint64 {
	low := w &^ highBits
	return (low + (0x80-'a')*lowBits) &^ (low + (0x80-'z'-1)*lowBits) &^ w & highBits
}
