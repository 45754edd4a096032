//go:build eval

// The evaluation corpora are not the project's to ship, so this check runs
// only when asked for (make eval-search), never in make test.

package index_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/index/indextest"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

// evalFile is ../shared/eval/lures.jsonl beside the repository, or
// $LUREWATCH_EVAL_DIR/lures.jsonl.
func evalFile(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("LUREWATCH_EVAL_DIR"); d != "" {
		return filepath.Join(d, "lures.jsonl")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "eval", "lures.jsonl")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

type evalAd struct {
	ID, Label, Lang, Title, Body, Location, Salary, Company string
}

// words picks up to n words of text to search for: runs of two letters or
// more between spaces, punctuation and digits; in a script without spaces,
// the first four letters of a longer run.
func words(text string, n int) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }) {
		letters := 0
		for _, r := range w {
			if !unicode.IsMark(r) {
				letters++
			}
		}
		if letters < 2 {
			continue
		}
		if letters > 6 && isSpaceless(w) {
			w = firstLetters(w, 4)
		}
		if !seen[strings.ToLower(w)] {
			seen[strings.ToLower(w)] = true
			out = append(out, w)
		}
	}
	// The longest words say most about one ad.
	sort.SliceStable(out, func(a, b int) bool { return utf8.RuneCountInString(out[a]) > utf8.RuneCountInString(out[b]) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func isSpaceless(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Han) {
			return true
		}
	}
	return false
}

// firstLetters is the first n letters of s, each with its marks.
func firstLetters(s string, n int) string {
	count := 0
	for i, r := range s {
		if !unicode.IsMark(r) {
			if count == n {
				return s[:i]
			}
			count++
		}
	}
	return s
}

// Every language of the written lures can be found by words from its ads:
// each ad is searched for by the longest words of its title and body, and
// must be among the hits.
func TestEvalLuresFindable(t *testing.T) {
	f, err := os.Open(evalFile(t))
	if err != nil {
		t.Fatalf("the evaluation corpus: %v", err)
	}
	defer f.Close()
	var ads []evalAd
	var flagged []*ad.Flagged
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e evalAd
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("lures.jsonl: %v", err)
		}
		ads = append(ads, e)
		fx := indextest.Fixture{ID: e.ID, Lang: e.Lang, Source: "eval", Title: e.Title, Body: e.Body, Location: e.Location, Company: e.Company, Level: "high", Posted: "2026-11-01"}
		if e.Label != "scam" {
			fx.Level = "low"
		}
		flagged = append(flagged, fx.Flagged())
	}
	if len(ads) == 0 {
		t.Fatal("lures.jsonl holds no ads")
	}
	idx := indextest.Open(t, flagged, index.WithClock(func() time.Time { return time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) }))

	type tally struct{ ads, found, words, wordsFound int }
	byLang := map[string]*tally{}
	for _, e := range ads {
		tl := byLang[e.Lang]
		if tl == nil {
			tl = &tally{}
			byLang[e.Lang] = tl
		}
		tl.ads++
		ws := append(words(e.Title, 2), words(e.Body, 2)...)
		all := true
		for _, w := range ws {
			q := `"` + strings.ReplaceAll(w, `"`, ``) + `"`
			res, err := idx.Search(context.Background(), index.Query{Text: q, Size: index.MaxSize})
			if err != nil {
				t.Fatalf("%s: search %s: %v", e.ID, q, err)
			}
			tl.words++
			hit := false
			for _, h := range res.Hits {
				hit = hit || h.ID == e.ID
			}
			if hit {
				tl.wordsFound++
			} else {
				all = false
				t.Errorf("%s (%s): searching %s does not find it (%d hits)", e.ID, e.Lang, q, res.Total)
			}
		}
		if all && len(ws) > 0 {
			tl.found++
		}
	}
	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		tl := byLang[l]
		t.Logf("%-3s %3d/%3d ads found by every word tried, %3d/%3d words", l, tl.found, tl.ads, tl.wordsFound, tl.words)
	}
}
