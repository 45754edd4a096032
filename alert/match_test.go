package alert

import (
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func TestMatch(t *testing.T) {
	f := flagged("m", func(f *ad.Flagged) {
		f.Verdict.Level = ad.LevelHigh
		f.Verdict.Extracted.Nationalities = []string{"VN"}
		f.Verdict.Extracted.Languages = []string{"vi"}
		f.Lang = "vi-VN"
		f.Source, f.Platform = "tg-channel", "telegram"
	})
	fs := factsOf(f)
	cases := []struct {
		exprs []string
		want  bool
	}{
		{nil, true},
		{[]string{"level=high"}, true},
		{[]string{"level=critical"}, false},
		{[]string{"level=>=medium"}, true},
		{[]string{"level=>=critical"}, false},
		{[]string{"nationality=vn"}, true},
		{[]string{"nationality=ID,VN"}, true},
		{[]string{"nationality=ID,PH"}, false},
		{[]string{"language=vi"}, true},
		{[]string{"language=vi-VN"}, true},
		{[]string{"source=telegram"}, true},
		{[]string{"source=tg-channel", "level=low"}, false},
		{[]string{"place=KH"}, true},
		{[]string{"place=sihanoukville"}, true},
		{[]string{"place=Myawaddy"}, false},
		{[]string{"category=trafficking-lure"}, true},
	}
	for _, c := range cases {
		m, err := ParseMatch(c.exprs)
		if err != nil {
			t.Fatalf("%v: %v", c.exprs, err)
		}
		if got := m.matches(fs); got != c.want {
			t.Errorf("%v matches = %v, want %v", c.exprs, got, c.want)
		}
	}
}

func TestParseMatchErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"country=KH":  `unknown key "country"`,
		"level":       "write key=value",
		"level=worst": `"worst" is not a level`,
	} {
		_, err := ParseMatch([]string{expr})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", expr, err, want)
		}
	}
}
