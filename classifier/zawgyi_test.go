package classifier

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// The normaliser converts a field typed in Zawgyi, and keeps its way back
// to the original; a Unicode field it leaves alone.
func TestNormalizeReadsZawgyiAsUnicode(t *testing.T) {
	tests := []struct {
		in, want string
		zawgyi   bool
	}{
		{"Job ေက်ာင္း ႀကိဳတင္ေငြ now", "job ကျောင်း ကြိုတင်ငွေ now", true},
		{"လစာ ၃၀ သိန္း 🇹🇭", "လစာ 30 သိန်း flagth", true},
		{"ကြိုတင်ငွေ ၅၀ သိန်း", "ကြိုတင်ငွေ 50 သိန်း", false},
	}
	for _, tc := range tests {
		d := normalizeString(nil, tc.in)
		if got := strings.TrimSpace(string(d.text)); got != tc.want || d.zawgyi != tc.zawgyi {
			t.Errorf("%q reads %q (zawgyi %v), want %q (%v)", tc.in, got, d.zawgyi, tc.want, tc.zawgyi)
		}
		checkMapping(t, tc.in, d)
	}
}

func TestZawgyiSpansMapBackWhole(t *testing.T) {
	in := "Salary ေက်ာင္း ႀကိဳတင္ေငြ ေပးရမယ္"
	d := normalizeString(nil, in)
	for _, tc := range []struct{ find, want string }{
		{"ကြိုတင်ငွေ", "ႀကိဳတင္ေငြ"},
		{"ကျောင်း", "ေက်ာင္း"},
		{"ပေးရမယ်", "ေပးရမယ္"},
	} {
		i := strings.Index(string(d.text), tc.find)
		if i < 0 {
			t.Fatalf("%q not in %q", tc.find, d.text)
		}
		os, oe := d.origSpan(in, i, i+len(tc.find))
		if got := in[os:oe]; got != tc.want {
			t.Errorf("span of %q maps to %q, want %q", tc.find, got, tc.want)
		}
	}
}

// A lure typed in Zawgyi is judged as its Unicode twin is, and its spans
// lead back to the Zawgyi as typed.
func TestZawgyiLureJudgedAsItsUnicodeTwin(t *testing.T) {
	c := shippedClassifier(t)
	const (
		zawgyi  = "ထိုင္းႏိုင္ငံ အြန္လိုင္း အလုပ္ေခၚေနပါတယ္ လစာ ၃၀ သိန္း ေနစရာ စားစရာ အခမဲ့ အေတြ႕အႀကံဳ မလိုပါ။ ႀကိဳတင္ေငြ ၅၀ သိန္း အရင္သြင္းရမယ္"
		unicode = "ထိုင်းနိုင်ငံ အွန်လိုင်း အလုပ်ခေါ်နေပါတယ် လစာ ၃၀ သိန်း နေစရာ စားစရာ အခမဲ့ အတွေ့အကြုံ မလိုပါ။ ကြိုတင်ငွေ ၅၀ သိန်း အရင်သွင်းရမယ်"
	)
	zv := c.Classify(&ad.Raw{ID: "zg", Body: zawgyi})
	uv := c.Classify(&ad.Raw{ID: "uni", Body: unicode})
	if !uv.Flagged {
		t.Fatalf("the Unicode lure is not flagged: %+v", uv)
	}
	if zv.Score != uv.Score || len(zv.Hits) != len(uv.Hits) {
		t.Errorf("Zawgyi scores %v with %d hits, Unicode %v with %d", zv.Score, len(zv.Hits), uv.Score, len(uv.Hits))
	}
	if !zv.Extracted.Zawgyi || uv.Extracted.Zawgyi {
		t.Errorf("zawgyi marked %v on the Zawgyi ad, %v on the Unicode one", zv.Extracted.Zawgyi, uv.Extracted.Zawgyi)
	}
	spans := 0
	for _, h := range zv.Hits {
		for _, sp := range h.Spans {
			got := zawgyi[sp.OrigStart:sp.OrigEnd]
			first, _ := utf8.DecodeRuneInString(got)
			last, _ := utf8.DecodeLastRuneInString(got)
			// A span cut inside a syllable would start with a mark typed
			// after its consonant, or end with the vowel e typed before.
			startsWithMark := first >= 0x102B && first <= 0x103F && first != 0x1031 && first != 0x103B
			if got != sp.Text || startsWithMark || last == 0x1031 {
				t.Errorf("%s: span %q (%q as typed) cuts a syllable", h.Rule, sp.Text, got)
			}
			spans++
		}
	}
	if spans == 0 {
		t.Error("no spans to check")
	}
}
