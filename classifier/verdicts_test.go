package classifier

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

var updateVerdicts = flag.Bool("update", false, "rewrite testdata/verdicts/*.golden.jsonl from the classifier as it is")

// pinnedVerdict is all of a verdict that its text and rules decide (not
// the time it was made, nor the pack's hash).
type pinnedVerdict struct {
	ID        string       `json:"id"`
	Flagged   bool         `json:"flagged"`
	Score     float64      `json:"score"`
	Level     ad.Level     `json:"level"`
	Category  string       `json:"category"`
	Hits      []ad.Hit     `json:"hits"`
	Extracted ad.Extracted `json:"extracted"`
}

// TestVerdictsPinned classifies the project's own ads (testdata/ads.jsonl,
// the demo's, the index's and the crawler's test ads, every rule example)
// as written and with the tricks the normaliser undoes applied at random
// (split letters, leetspeak, look-alikes, full-width, invisible and
// combining characters, keycaps, digits as words, split phone numbers),
// with the fixture pack, and compares every field of every verdict with
// testdata/verdicts/fixture-pack.golden.jsonl. Work on the hot path must
// not change a verdict; a change to the rules or extractors that does is
// re-recorded with
//
//	go test ./classifier -run TestVerdictsPinned -update
//
// and the diff of the golden file reviewed.
func TestVerdictsPinned(t *testing.T) {
	c, _ := newFixture(t, nil)
	var ads []ad.Raw
	f, err := os.Open(filepath.Join("testdata", "verdicts", "ads.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = ReadJSONLines(f, func(line int, data []byte) error {
		var r struct {
			ID, Title, Body, Location, Salary, Company, Lang string
			Contacts                                         []string
		}
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("ads.jsonl:%d: %v", line, err)
		}
		ads = append(ads, ad.Raw{ID: r.ID, Title: r.Title, Body: r.Body, Location: r.Location, Salary: r.Salary, Company: r.Company, Lang: r.Lang, Contacts: r.Contacts})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Text JSON cannot carry: bytes that are not UTF-8.
	ads = append(ads,
		ad.Raw{ID: "invalid-utf8", Title: "Typist \xff\xfe Sihanoukville", Body: "T.e.l\xc0.e.g.r.a.m @hr_\xe2\x82team, salary USD 1,\xff500/month, processing\x80fee"},
		ad.Raw{ID: "cut-rune", Body: "free ticket and visa \xe4\xb8"})

	var got bytes.Buffer
	enc := json.NewEncoder(&got)
	enc.SetEscapeHTML(false)
	for i := range ads {
		v := c.Classify(&ads[i])
		if err := enc.Encode(pinnedVerdict{ID: ads[i].ID, Flagged: v.Flagged, Score: v.Score, Level: v.Level, Category: v.Category, Hits: v.Hits, Extracted: v.Extracted}); err != nil {
			t.Fatal(err)
		}
	}
	golden := filepath.Join("testdata", "verdicts", "fixture-pack.golden.jsonl")
	if *updateVerdicts {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (record it with -update)", err)
	}
	gotLines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
	wantLines := strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")
	if len(gotLines) != len(wantLines) {
		t.Fatalf("%d verdicts, the golden file has %d", len(gotLines), len(wantLines))
	}
	bad := 0
	for i := range gotLines {
		if gotLines[i] != wantLines[i] {
			if bad++; bad <= 5 {
				t.Errorf("verdict %d (%s) changed:\n got  %s\n want %s", i+1, ads[i].ID, gotLines[i], wantLines[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d verdicts changed", bad, len(gotLines))
	}
}
