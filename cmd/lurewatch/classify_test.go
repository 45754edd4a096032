package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/classifier"
)

const shippedRules = "--set=classifier.rules=../../configs/rules"

// runWithStdin runs a command with the given standard input.
func runWithStdin(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := realMain(context.Background(), args, &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb})
	return out.String(), errb.String(), code
}

func TestClassifyFileWritesOneVerdictALine(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ads.jsonl")
	outPath := filepath.Join(dir, "verdicts.jsonl")
	ads := `{"id":"lure","title":"Night chat agents – Poipet – $1,450","body":"Beginners are fine. We cover the flight, visa and a dorm. Message your passport photo to T.e.l.e.g.r.a.m @pp_agents. Enter on a tourist visa; we switch it to a work visa on arrival.","lang":"en"}
{"id":"job","title":"Payroll clerk – Siem Reap","company":"Angkor Foods Co., Ltd.","body":"USD 520 a month, NSSF, 3 years of experience. Email people@angkorfoods.example","lang":"en"}

{"id":"broken", "title": 
{"id":"zh","title":"妙瓦底 客服","body":"月薪2万，无需经验，包吃包住，护照由公司保管，飞机联系","contacts":["t.me/mwd_hr"]}
`
	if err := os.WriteFile(in, []byte(ads), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runWithStdin(t, "", "classify", shippedRules, "--input", in, "--output", outPath)
	if code != 1 || !strings.Contains(stderr, in+":4: not an ad") || !strings.Contains(stderr, "1 line(s)") {
		t.Errorf("exit %d, stderr %q: want 1 and the bad line 4 named", code, stderr)
	}
	data, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d verdicts, want 3:\n%s", len(lines), data)
	}
	want := map[string]bool{"lure": true, "job": false, "zh": true}
	for _, l := range lines {
		var v struct {
			ID       string  `json:"id"`
			Flagged  bool    `json:"flagged"`
			Score    float64 `json:"score"`
			Level    string  `json:"level"`
			Category string  `json:"category"`
			Hits     []struct {
				Rule        string `json:"rule"`
				Description string `json:"description"`
				Spans       []struct {
					Text string `json:"text"`
				} `json:"spans"`
			} `json:"hits"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("verdict %q: %v", l, err)
		}
		if v.Flagged != want[v.ID] {
			t.Errorf("%s: flagged %v (score %v), want %v", v.ID, v.Flagged, v.Score, want[v.ID])
		}
		if v.Flagged && (v.Level == "" || v.Category == "" || len(v.Hits) == 0 || v.Hits[0].Description == "") {
			t.Errorf("%s: verdict lacks level, category or explained hits: %s", v.ID, l)
		}
	}
}

// TestClassifyFileIgnoresLeakyFields: fields a crawler would not give the
// classifier (label, platform, archetype) must not change the verdict.
func TestClassifyFileIgnoresLeakyFields(t *testing.T) {
	base := `{"id":"a","title":"Typist overseas","body":"We pay the ticket and visa; write to us on Telegram only. Pay $1,300."`
	plain, _, _ := runWithStdin(t, base+"}\n", "classify", shippedRules, "--input", "-")
	leaky, _, _ := runWithStdin(t, base+`,"label":"scam","platform":"telegram","archetype":"cs_lure_compound"}`+"\n", "classify", shippedRules, "--input", "-")
	if plain == "" || plain != leaky {
		t.Errorf("verdicts differ once label/platform/archetype are added:\n%s\n%s", plain, leaky)
	}
}

func TestRulesCheckPassesOnTheShippedPack(t *testing.T) {
	out, stderr, code := runWithStdin(t, "", "rules", "check", shippedRules)
	if code != 0 || !strings.Contains(out, "0 example(s) failing, 0 warning(s)") {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
}

func TestRulesCheckNamesTheBrokenFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("rules:\n  - id: r\n    wieght: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runWithStdin(t, "", "rules", "check", "--rules", dir)
	if code != 1 || !strings.Contains(stderr, filepath.Join(dir, "bad.yaml")+":3:") || !strings.Contains(stderr, `unknown key "wieght"`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestRulesCheckPrintsWarnings(t *testing.T) {
	dir := t.TempDir()
	rule := "rules:\n  - id: r\n    weight: 3\n    category: advance-fee\n    description: A fee.\n    when: {keywords: {en: [fee, deposit, fee]}}\n    examples: {match: [a fee]}\n"
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runWithStdin(t, "", "rules", "check", "--rules", dir)
	if code != 0 || !strings.Contains(out, "warning: "+filepath.Join(dir, "r.yaml")+`:6: rule r: keyword "fee" (en) is in this list already`) ||
		!strings.Contains(out, "0 example(s) failing, 1 warning(s)") {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
}

func writeCorpus(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	src, err := os.ReadFile("../../classifier/testdata/ads.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRulesTestPrintsTheTables(t *testing.T) {
	corpus := writeCorpus(t)
	out, stderr, code := runWithStdin(t, "", "rules", "test", shippedRules, "--corpus", corpus, "--errors", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"== corpus.jsonl (10 ads)", "lang        TP    FP    FN    TN", "\nall ", "\nzh ", "confusion:", "rule hits (scam / legit):", "passport-retention"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRulesFitProposesWeightsForReview(t *testing.T) {
	corpus := writeCorpus(t)
	outPath := filepath.Join(t.TempDir(), "weights.yaml")
	_, stderr, code := runWithStdin(t, "", "rules", "fit", shippedRules, "--corpus", corpus, "--output", outPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "F1 before") || !strings.Contains(stderr, "F1 after") {
		t.Errorf("stderr lacks the cross-validated F1: %s", stderr)
	}
	data, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := classifier.New(classifier.Config{Rules: "../../configs/rules"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Rules() {
		if !strings.Contains(string(data), "  "+r.ID+": {current: ") {
			t.Errorf("proposal lacks rule %s", r.ID)
		}
	}
	if n := strings.Count(string(data), "{current: "); n != len(c.Rules()) {
		t.Errorf("%d proposed weights for %d rules: fit must not add rules", n, len(c.Rules()))
	}
}

// TestHangupReloadsRules sends what main passes on for SIGHUP and checks
// the rules in force change.
func TestHangupReloadsRules(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../classifier/testdata/rules/pack.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "pack.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	cls, err := classifier.New(classifier.Config{Rules: dir}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go reloadOnHangup(ctx, &env{hangup: hup}, cls)
	before := cls.Pack()
	if err := os.WriteFile(path, append(src, "\n# changed\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	hup <- syscall.SIGHUP
	deadline := time.Now().Add(30 * time.Second)
	for cls.Pack() == before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if cls.Pack() == before {
		t.Error("SIGHUP did not reload the rules")
	}
}
