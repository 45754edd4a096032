package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// malayStemFilter strips the common affixes of Indonesian and Malay, which
// share their morphology: particles (-lah, -kah, -pun), possessives (-ku,
// -mu, -nya), suffixes (-kan, -an, -i) and prefixes (meN-, peN-, ber-, ter-,
// di-, ke-, se-), so that "pekerjaan", "bekerja" and "kerja" meet. It is a
// light stemmer without a dictionary: it never strips a word below four
// letters, and it does not restore the letter a nasal prefix swallows
// (mengetik stays apart from ketik); the unstemmed field still finds those.
type malayStemFilter struct{}

// Filter implements analysis.TokenFilter.
func (malayStemFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if t.Type != analysis.AlphaNumeric {
			continue
		}
		t.Term = []byte(stemMalay(string(t.Term)))
	}
	return in
}

const malayMinStem = 4

func stemMalay(w string) string {
	if len(w) <= malayMinStem+1 || !isASCIILower(w) {
		return w
	}
	strip := func(s, suffix string) (string, bool) {
		if strings.HasSuffix(s, suffix) && len(s)-len(suffix) >= malayMinStem {
			return s[:len(s)-len(suffix)], true
		}
		return s, false
	}
	for _, p := range []string{"lah", "kah", "tah", "pun"} {
		if s, ok := strip(w, p); ok {
			w = s
			break
		}
	}
	for _, p := range []string{"nya", "ku", "mu"} {
		if s, ok := strip(w, p); ok {
			w = s
			break
		}
	}
	for _, p := range []string{"kan", "an", "i"} {
		if s, ok := strip(w, p); ok {
			w = s
			break
		}
	}
	for _, p := range []string{"meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "per", "pe", "ber", "be", "ter", "di", "ke", "se"} {
		if strings.HasPrefix(w, p) && len(w)-len(p) >= malayMinStem {
			w = w[len(p):]
			break
		}
	}
	return w
}

func isASCIILower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
