package classifier

import "github.com/lurewatch/lurewatch/pkg/zawgyi"

// emitZawgyi converts the run of Myanmar code points at src[i:] from
// Zawgyi to Unicode, writes it and returns the offset after the run. The
// first rune of each syllable leads back to the syllable's start and the
// last to its last code point, so a span over whole syllables maps back
// to them whole, though Zawgyi typed some of their parts in another
// order.
func (n *normalizer) emitZawgyi(out []byte, segs []seg, src string, i int) ([]byte, []seg, int) {
	for i < len(src) {
		r, _ := decodeRune(src, i)
		if !zawgyi.IsMyanmar(r) {
			break
		}
		start := i
		var last int
		n.zgRunes, last, i = n.zawgyi.Next(n.zgRunes[:0], src, i)
		for k, r := range n.zgRunes {
			at := start
			if k > 0 && k == len(n.zgRunes)-1 {
				at = last
			}
			out, segs = n.emit(out, segs, r, at)
		}
	}
	return out, segs, i
}
