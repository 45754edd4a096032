package main

import (
	"flag"
	"io"
	"strings"
	"testing"
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
