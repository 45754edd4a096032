package classifier

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Labels of a labelled corpus.
const (
	LabelScam  = "scam"
	LabelLegit = "legit"
)

// LabelledAd is one ad of a labelled corpus: what a crawler would give the
// classifier, and the label.
type LabelledAd struct {
	Label string
	Ad    ad.Raw
}

// adLine is what a line of ads gives the classifier. The contract's
// fields that describe where the example came from (platform, source,
// url) are not read: in a labelled corpus they can give the label away.
type adLine struct {
	ID       string                     `json:"id"`
	Label    string                     `json:"label"`
	Lang     string                     `json:"lang"`
	Title    string                     `json:"title"`
	Body     string                     `json:"body"`
	Location string                     `json:"location"`
	Salary   string                     `json:"salary"`
	Company  string                     `json:"company"`
	Contacts []string                   `json:"contacts"`
	Meta     map[string]json.RawMessage `json:"meta"`
}

// notMeta are the top-level names a line's meta does not take: the
// contract's own fields, and the ones a labelled corpus uses to describe
// its examples for people.
var notMeta = map[string]bool{
	"id": true, "label": true, "lang": true, "title": true, "body": true, "location": true, "salary": true,
	"company": true, "contacts": true, "meta": true, "schema_version": true, "source": true, "platform": true,
	"url": true, "post_id": true, "fetched_at": true, "posted_at": true, "author": true, "content_hash": true,
	"verdict": true, "archetype": true, "notes": true, "note": true,
}

// DecodeAdLine reads one JSON line of ads and its label, if it has one.
// Besides the contract's fields and a "meta" object, the line's other
// top-level values that are text, numbers or true/false are kept in meta
// as text: the facts a board's export gives about a listing
// ("has_company_logo": false), which rules test with meta conditions.
func DecodeAdLine(data []byte) (r ad.Raw, label string, err error) {
	var l adLine
	if err := json.Unmarshal(data, &l); err != nil {
		return r, "", err
	}
	r = ad.Raw{ID: l.ID, Lang: l.Lang, Title: l.Title, Body: l.Body, Location: l.Location, Salary: l.Salary,
		Company: l.Company, Contacts: l.Contacts}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return r, "", err
	}
	keep := func(k string, v json.RawMessage) {
		text, ok := metaText(v)
		if !ok || len(r.Meta) >= ad.MaxMetaEntries {
			return
		}
		if r.Meta == nil {
			r.Meta = map[string]string{}
		}
		if _, dup := r.Meta[k]; !dup {
			r.Meta[k] = text
		}
	}
	// The meta object first, so a top-level field never overrides it; in
	// key order, so the same line always keeps the same entries.
	for _, k := range sortedKeys(l.Meta) {
		keep(k, l.Meta[k])
	}
	for _, k := range sortedKeys(top) {
		if !notMeta[k] {
			keep(k, top[k])
		}
	}
	return r, l.Label, nil
}

// metaText is a JSON value as meta keeps it: text as it is, true, false
// and numbers as written. Objects, lists, null and "" say nothing a rule
// reads.
func metaText(v json.RawMessage) (string, bool) {
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) != nil || s == "" {
			return "", false
		}
		return s, true
	case '{', '[', 'n':
		return "", false
	}
	return string(v), true
}

// maxLineBytes bounds one line of a JSON-lines file.
const maxLineBytes = 16 << 20

// ReadJSONLines calls fn for each line of a JSON-lines stream with its
// 1-based number, skipping blank lines. A line longer than 16 MiB is an
// error naming the line.
func ReadJSONLines(r io.Reader, fn func(line int, data []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	for n := 1; ; n++ {
		data, err := readLine(br)
		if len(strings.TrimSpace(string(data))) > 0 {
			if ferr := fn(n, data); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
}

func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		line = append(line, chunk...)
		if len(line) > maxLineBytes {
			// drain the rest of the line so the next one can be read
			for isPrefix && err == nil {
				_, isPrefix, err = br.ReadLine()
			}
			return nil, fmt.Errorf("longer than %d bytes", maxLineBytes)
		}
		if err != nil || !isPrefix {
			return line, err
		}
	}
}

// ReadCorpus reads a labelled JSON-lines corpus. Labels are "scam" or
// "legit"; an error names the file and line.
func ReadCorpus(path string) ([]LabelledAd, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []LabelledAd
	err = ReadJSONLines(f, func(line int, data []byte) error {
		r, label, err := DecodeAdLine(data)
		if err != nil {
			return fmt.Errorf("%s:%d: %v", path, line, err)
		}
		if label != LabelScam && label != LabelLegit {
			return fmt.Errorf("%s:%d: label %q is not %q or %q", path, line, label, LabelScam, LabelLegit)
		}
		if r.ID == "" {
			r.ID = fmt.Sprintf("line-%d", line)
		}
		out = append(out, LabelledAd{Label: label, Ad: r})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// Confusion counts verdicts against labels; scam is the positive class.
type Confusion struct{ TP, FP, FN, TN int }

func (c *Confusion) add(label string, flagged bool) {
	switch {
	case label == LabelScam && flagged:
		c.TP++
	case label == LabelScam:
		c.FN++
	case flagged:
		c.FP++
	default:
		c.TN++
	}
}

// Precision is the share of flagged ads that are scams (NaN when none
// were flagged).
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is the share of scams flagged (NaN when there are none).
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Confusion) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

// FPRate is the share of legitimate ads flagged.
func (c Confusion) FPRate() float64 { return ratio(c.FP, c.FP+c.TN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Misjudged is an ad the rules got wrong, with what fired.
type Misjudged struct {
	ID    string
	Label string
	Lang  string
	Title string
	Score float64
	Rules []string
}

// Report is the measure of the rules on one corpus.
type Report struct {
	Name string
	All  Confusion
	// ByLang is keyed by the corpus's language field.
	ByLang map[string]*Confusion
	// RuleHits counts, per rule, the scam and legit ads it fired on.
	RuleHits  map[string]*[2]int
	Misjudged []Misjudged
}

// Evaluate classifies a labelled corpus and measures the verdicts.
func (c *Classifier) Evaluate(name string, ads []LabelledAd) *Report {
	r := &Report{Name: name, ByLang: map[string]*Confusion{}, RuleHits: map[string]*[2]int{}}
	for _, rl := range c.cur.Load().p.rules {
		r.RuleHits[rl.id] = &[2]int{}
	}
	for i := range ads {
		la := &ads[i]
		v := c.Classify(&la.Ad)
		r.All.add(la.Label, v.Flagged)
		lc := r.ByLang[la.Ad.Lang]
		if lc == nil {
			lc = &Confusion{}
			r.ByLang[la.Ad.Lang] = lc
		}
		lc.add(la.Label, v.Flagged)
		var fired []string
		for _, h := range v.Hits {
			k := 1
			if la.Label == LabelScam {
				k = 0
			}
			r.RuleHits[h.Rule][k]++
			fired = append(fired, fmt.Sprintf("%s(%+g)", h.Rule, h.Weight))
		}
		if v.Flagged != (la.Label == LabelScam) {
			r.Misjudged = append(r.Misjudged, Misjudged{ID: la.Ad.ID, Label: la.Label, Lang: la.Ad.Lang, Title: la.Ad.Title, Score: v.Score, Rules: fired})
		}
	}
	return r
}

// RuleInfo describes a rule in force.
type RuleInfo struct {
	ID       string
	Weight   float64
	Category string
	File     string
	Line     int
}

// Rules lists the rules in force, in file order.
func (c *Classifier) Rules() []RuleInfo {
	var out []RuleInfo
	for _, r := range c.cur.Load().p.rules {
		out = append(out, RuleInfo{ID: r.id, Weight: r.weight, Category: r.category, File: r.file, Line: r.line})
	}
	return out
}

// FitOptions tune Fit.
type FitOptions struct {
	// Folds for cross-validation; 0 means 5.
	Folds int
	// Lambda pulls weights towards the hand-set ones; 0 means 0.002.
	Lambda float64
	// Seed shuffles the folds reproducibly.
	Seed uint64
}

// FitResult is what Fit learned and how much it helps.
type FitResult struct {
	Ads, Folds int
	// Families counts the groups of near-duplicate ads; each stays within
	// one fold.
	Families int
	// F1 of the flag decision, cross-validated: Before with the weights in
	// force, After with weights learned on the other folds.
	Before, After Confusion
	// Proposed weights by rule id; rules that never fired keep theirs.
	Proposed map[string]float64
}

// Fit learns rule weights from labelled ads by logistic regression over
// which rules fired, the way SpamAssassin derives its scores: the flag
// threshold stays fixed, a penalty keeps each weight near its hand-set
// value, and signs are kept (context rules stay negative), so the rules
// read as before. It never adds or removes a rule.
func (c *Classifier) Fit(ads []LabelledAd, opt FitOptions) *FitResult {
	if opt.Folds == 0 {
		opt.Folds = 5
	}
	if opt.Lambda == 0 {
		opt.Lambda = 0.002
	}
	rules := c.cur.Load().p.rules
	index := map[string]int{}
	w0 := make([]float64, len(rules))
	for i, r := range rules {
		index[r.id] = i
		w0[i] = r.weight
	}
	thr := c.flagThreshold()
	x := make([][]int, len(ads))
	y := make([]float64, len(ads))
	for i := range ads {
		for _, h := range c.Classify(&ads[i].Ad).Hits {
			x[i] = append(x[i], index[h.Rule])
		}
		if ads[i].Label == LabelScam {
			y[i] = 1
		}
	}
	// Whole families go to one fold, in a shuffled order.
	family := families(ads)
	foldOf := map[int]int{}
	for _, i := range rand.New(rand.NewPCG(opt.Seed, 7)).Perm(len(ads)) {
		if _, ok := foldOf[family[i]]; !ok {
			foldOf[family[i]] = len(foldOf) % opt.Folds
		}
	}
	res := &FitResult{Ads: len(ads), Folds: opt.Folds, Families: len(foldOf)}
	score := func(w []float64, xi []int) float64 {
		s := 0.0
		for _, j := range xi {
			s += w[j]
		}
		return s
	}
	for k := range opt.Folds {
		var train []int
		var test []int
		for i := range ads {
			if foldOf[family[i]] == k {
				test = append(test, i)
			} else {
				train = append(train, i)
			}
		}
		w := fitLogistic(x, y, train, w0, rules, thr, opt.Lambda)
		for _, i := range test {
			lab := LabelLegit
			if y[i] == 1 {
				lab = LabelScam
			}
			res.Before.add(lab, score(w0, x[i]) >= thr)
			res.After.add(lab, score(w, x[i]) >= thr)
		}
	}
	all := make([]int, len(ads))
	for i := range all {
		all[i] = i
	}
	w := fitLogistic(x, y, all, w0, rules, thr, opt.Lambda)
	res.Proposed = map[string]float64{}
	for i, r := range rules {
		res.Proposed[r.id] = w[i]
	}
	return res
}

func (c *Classifier) flagThreshold() float64 {
	t := c.cfg.Thresholds
	switch c.flagAt {
	case ad.LevelLow:
		return t.Low
	case ad.LevelHigh:
		return t.High
	case ad.LevelCritical:
		return t.Critical
	}
	return t.Medium
}

// fitLogistic minimises log loss of sigmoid(score - threshold) plus
// lambda * sum (w - w0)^2 by gradient descent, keeping signs, and rounds
// to quarter points so the weights stay readable.
func fitLogistic(x [][]int, y []float64, rows []int, w0 []float64, rules []*rule, thr, lambda float64) []float64 {
	w := append([]float64(nil), w0...)
	grad := make([]float64, len(w))
	n := float64(len(rows))
	for range 800 {
		clear(grad)
		for _, i := range rows {
			s := -thr
			for _, j := range x[i] {
				s += w[j]
			}
			p := 1 / (1 + math.Exp(-s))
			for _, j := range x[i] {
				grad[j] += (p - y[i]) / n
			}
		}
		for j := range w {
			w[j] -= grad[j] + 2*lambda*(w[j]-w0[j])
			if rules[j].category == "context" {
				w[j] = math.Min(w[j], -0.25)
			} else {
				w[j] = math.Max(w[j], 0.25)
			}
			w[j] = math.Max(-12, math.Min(12, w[j]))
		}
	}
	for j := range w {
		w[j] = math.Round(w[j]*4) / 4
		if w[j] == 0 {
			w[j] = math.Copysign(0.25, w0[j])
		}
	}
	return w
}

// SortedRuleHits returns rule ids by how often they fired, most first.
func (r *Report) SortedRuleHits() []string {
	ids := make([]string, 0, len(r.RuleHits))
	for id := range r.RuleHits {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := r.RuleHits[ids[i]], r.RuleHits[ids[j]]
		if a[0]+a[1] != b[0]+b[1] {
			return a[0]+a[1] > b[0]+b[1]
		}
		return ids[i] < ids[j]
	})
	return ids
}
