package classifier

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestGramSetKeepsEveryStringPresent: the filter may let through a
// string the text lacks, never turn away one it has, or a regex would
// miss a match.
func TestGramSetKeepsEveryStringPresent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(" abc.\xe4\x80\xbf")
	for range 100000 {
		text := make([]byte, r.IntN(24))
		for i := range text {
			text[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := make([]byte, 1+r.IntN(5))
		for i := range s {
			s[i] = alphabet[r.IntN(len(alphabet))]
		}
		var g gramSet
		g.of(text)
		if bytes.Contains(text, s) && !g.mayHave(string(s)) {
			t.Fatalf("%q has %q, but the filter turns it away", text, s)
		}
	}
}
