package main

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

func TestSearchTakesFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		words string
		n     int
		json  bool
	}{
		{[]string{"sihanoukville"}, "sihanoukville", 10, false},
		{[]string{"-n", "3", "กัมพูชา"}, "กัมพูชา", 3, false},
		{[]string{"กัมพูชา", "-n", "3", "--json"}, "กัมพูชา", 3, true},
		{[]string{"+level:high", "-source:demo-board", "-n=2"}, "+level:high -source:demo-board", 2, false},
		{[]string{"-n", "4", "--", "-n", "x"}, "-n x", 4, false},
	} {
		fs := flag.NewFlagSet("search", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		n := fs.Int("n", 10, "")
		asJSON := fs.Bool("json", false, "")
		words, err := parseInterleaved(fs, tc.args)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if strings.Join(words, " ") != tc.words || *n != tc.n || *asJSON != tc.json {
			t.Errorf("%q: words %q, n %d, json %v", tc.args, words, *n, *asJSON)
		}
	}
}

func TestPrintResultsSignsWeightsAndCounts(t *testing.T) {
	doc := &index.Doc{Flagged: ad.Flagged{
		Raw: ad.Raw{ID: "a1", Title: "Customer service, Sihanoukville", Source: "board"},
		Verdict: ad.Verdict{Level: ad.LevelHigh, Score: 1.5, Hits: []ad.Hit{
			{Rule: "high-pay", Weight: 2.25, Spans: []ad.Span{{Text: "USD 1,500"}}},
			{Rule: "registered-employer", Weight: -0.75, Spans: []ad.Span{{Text: "Co."}}},
		}},
	}}
	for _, tc := range []struct {
		total uint64
		want  []string
	}{
		{1, []string{`1 flagged ad matches "service"`, "+2.25 high-pay", "-0.75 registered-employer"}},
		{7, []string{`7 flagged ads match "service"`}},
	} {
		var out bytes.Buffer
		printResults(&out, "service", &index.Result{Total: tc.total, Hits: []index.Hit{{ID: "a1", Doc: doc}}})
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("total %d: output lacks %q:\n%s", tc.total, w, out.String())
			}
		}
		if strings.Contains(out.String(), "+-") {
			t.Errorf("total %d: a negative weight printed as +-:\n%s", tc.total, out.String())
		}
	}
}
