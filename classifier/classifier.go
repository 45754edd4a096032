// Package classifier scores raw ads with transparent, weighted rules and says
// which words made each rule fire.
//
// Rules are data (configs/rules/*.yaml), compiled once into one
// Aho-Corasick automaton plus a few gated, bounded regexes. Text is
// normalised before matching (NFKC, case, look-alikes, split and leet
// words), extractors find the salary, places, contacts, languages, job
// types and targeted nationalities, and a verdict lists every rule that
// fired with its weight, description and spans in both the normalised
// and the original text.
package classifier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/prometheus/client_golang/prometheus"
)

// Classifier judges ads by its rules. It is safe for concurrent use; the
// rules can be swapped with Reload while it runs.
type Classifier struct {
	cfg    Config
	flagAt ad.Level
	rates  map[string]float64
	log    *slog.Logger
	now    func() time.Time
	cur    atomic.Pointer[loaded]
	mu     sync.Mutex // serialises reloads

	judged    *prometheus.CounterVec
	ruleHits  *prometheus.CounterVec
	reloads   *prometheus.CounterVec
	problems  *prometheus.CounterVec
	ruleCount prometheus.Gauge
}

// loaded is one compiled rule pack with its pool of scratch states.
type loaded struct {
	p           *pack
	fingerprint string // of the files' contents
	stat        string // of their names, sizes and times, for Watch
	pool        sync.Pool
}

// New loads and compiles the rules named by cfg. A nil logger or
// registerer means none.
func New(cfg Config, logger *slog.Logger, reg prometheus.Registerer) (*Classifier, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Classifier{cfg: cfg, flagAt: ad.Level(cfg.FlagLevel), log: logger, now: time.Now, rates: map[string]float64{},
		judged:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_classifier_verdicts_total", Help: "Ads judged, by level."}, []string{"level"}),
		ruleHits:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_classifier_rule_hits_total", Help: "Times each rule fired."}, []string{"rule"}),
		reloads:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_classifier_reloads_total", Help: "Rule reloads, by result (ok, unchanged, refused)."}, []string{"result"}),
		problems:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_classifier_input_problems_total", Help: "Ads with text the classifier had to cut or repair, by reason."}, []string{"reason"}),
		ruleCount: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lurewatch_classifier_rules", Help: "Rules in force."}),
	}
	for k, v := range defaultRates {
		c.rates[k] = v
	}
	for k, v := range cfg.Rates {
		c.rates[k] = v
	}
	l, err := loadDir(cfg.Rules)
	if err != nil {
		return nil, err
	}
	c.install(l)
	if reg != nil {
		for _, m := range []prometheus.Collector{c.judged, c.ruleHits, c.reloads, c.problems, c.ruleCount} {
			if err := reg.Register(m); err != nil {
				return nil, fmt.Errorf("register classifier metrics: %w", err)
			}
		}
	}
	return c, nil
}

func (c *Classifier) install(l *loaded) {
	p := l.p
	l.pool.New = func() any { return newAdState(p) }
	c.cur.Store(l)
	c.ruleCount.Set(float64(len(p.rules)))
}

// loadDir reads, parses and compiles every *.yaml file in dir. Every
// problem found is reported, each with its file and line.
func loadDir(dir string) (*loaded, error) {
	stat := statFingerprint(dir)
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("rules %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("rules: no *.yaml files in %s", dir)
	}
	sort.Strings(files)
	var specs []*fileSpec
	var contents [][]byte
	var errs []error
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		if len(data) > 8<<20 {
			errs = append(errs, &RuleError{File: f, Msg: fmt.Sprintf("is %d bytes; rule files are limited to 8 MiB", len(data))})
			continue
		}
		h.Write([]byte(f))
		h.Write(data)
		fs, err := parseRuleFile(f, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		specs = append(specs, fs)
		contents = append(contents, data)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p, err := compilePack(specs, contents)
	if err != nil {
		return nil, err
	}
	return &loaded{p: p, fingerprint: hex.EncodeToString(h.Sum(nil)), stat: stat}, nil
}

// Reload reads the rule files again. If they have changed and compile,
// the new rules take over for the next ad; if any file has an error, the
// error names it and the rules in force stay.
func (c *Classifier) Reload() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, err := loadDir(c.cfg.Rules)
	if err != nil {
		c.reloads.WithLabelValues("refused").Inc()
		c.log.Error("rule files refused; the previous rules stay in force", "dir", c.cfg.Rules, "err", err)
		return err
	}
	if l.fingerprint == c.cur.Load().fingerprint {
		c.reloads.WithLabelValues("unchanged").Inc()
		return nil
	}
	c.install(l)
	c.reloads.WithLabelValues("ok").Inc()
	c.log.Info("rules reloaded", "dir", c.cfg.Rules, "rules", len(l.p.rules), "pack", l.p.hash)
	return nil
}

// Watch reloads the rules whenever a rule file changes, until ctx ends.
// It polls the directory every WatchInterval: that works on every file
// system, including the network and container mounts rules often live
// on. A failed reload is logged and counted; Watch goes on.
func (c *Classifier) Watch(ctx context.Context) error {
	t := time.NewTicker(c.cfg.WatchInterval)
	defer t.Stop()
	// Start from the files as they were when the rules in force were
	// read, so a change made before Watch started is not missed.
	last := c.cur.Load().stat
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		fp := statFingerprint(c.cfg.Rules)
		if fp == last {
			continue
		}
		last = fp
		_ = c.Reload() // logged and counted by Reload
	}
}

// statFingerprint summarises the names, sizes and times of the rule files.
func statFingerprint(dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	h := sha256.New()
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			continue
		}
		fmt.Fprintf(h, "%s %d %d\n", f, fi.Size(), fi.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Pack identifies the rules in force: a hash of their files.
func (c *Classifier) Pack() string { return c.cur.Load().p.hash }

// Classify judges one ad. It never fails: text longer than
// MaxFieldBytes is cut, bytes that are not UTF-8 read as spaces, and both
// are logged and counted.
func (c *Classifier) Classify(r *ad.Raw) ad.Verdict {
	l := c.cur.Load()
	st := l.pool.Get().(*adState)
	defer l.pool.Put(st)
	st.reset()
	st.hint = r.Lang
	for i, s := range [nFields]string{r.Title, r.Body, r.Location, r.Salary, r.Company} {
		if len(s) > c.cfg.MaxFieldBytes {
			c.problems.WithLabelValues("too_long").Inc()
			c.log.Warn("field too long; classified its beginning", "ad", r.ID, "field", fieldNames[i], "bytes", len(s), "read", c.cfg.MaxFieldBytes)
			s = cutUTF8(s, c.cfg.MaxFieldBytes)
		}
		st.src[i] = s
	}
	st.scan()
	invalid := 0
	for f := range nFields {
		invalid += st.f[f].invalid
	}
	if invalid > 0 {
		c.problems.WithLabelValues("invalid_utf8").Inc()
		c.log.Warn("ad text is not valid UTF-8; bad bytes read as spaces", "ad", r.ID, "bad_bytes", invalid)
	}
	if st.capped {
		c.problems.WithLabelValues("too_many_matches").Inc()
		c.log.Warn("ad has more keyword matches than the classifier reads; judged on the first", "ad", r.ID, "limit", maxMatchesPerAd)
	}
	extractContacts(st)
	for _, raw := range r.Contacts {
		st.rawContact(raw)
	}
	lang := st.hint
	if ls := st.languages(); len(ls) > 0 {
		lang = ls[0]
	}
	extractSalary(st, c.rates, lang)

	v := ad.Verdict{Rules: l.p.hash}
	catWeight := map[string]float64{}
	for _, rl := range l.p.rules {
		st.spans = st.spans[:0]
		if !st.eval(rl.root) {
			continue
		}
		v.Hits = append(v.Hits, ad.Hit{Rule: rl.id, Weight: rl.weight, Category: rl.category, Description: rl.description, Spans: st.adSpans()})
		v.Score += rl.weight
		if rl.weight > 0 {
			catWeight[rl.category] += rl.weight
		}
		c.ruleHits.WithLabelValues(rl.id).Inc()
	}
	sort.SliceStable(v.Hits, func(i, j int) bool { return v.Hits[i].Weight > v.Hits[j].Weight })
	best := 0.0
	for _, h := range v.Hits {
		if w := catWeight[h.Category]; w > best {
			v.Category, best = h.Category, w
		}
	}
	v.Score = float64(int64(v.Score*100+0.5*sign(v.Score))) / 100
	v.Level = c.level(v.Score)
	v.Flagged = v.Level.Rank() >= c.flagAt.Rank()
	v.Extracted = st.extracted()
	v.ClassifiedAt = c.now().UTC()
	c.judged.WithLabelValues(string(v.Level)).Inc()
	return v
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

func cutUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// adSpans turns the spans of the rule just evaluated into the contract's
// form, with the original text of each; duplicates are dropped and at
// most 12 kept.
func (st *adState) adSpans() []ad.Span {
	var out []ad.Span
	for i, s := range st.spans {
		dup := false
		for _, p := range st.spans[:i] {
			if p == s {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		if len(out) == 12 {
			break
		}
		src := st.src[s.field]
		os, oe := st.f[s.field].origSpan(src, int(s.start), int(s.end))
		out = append(out, ad.Span{Field: fieldNames[s.field], Start: int(s.start), End: int(s.end), OrigStart: os, OrigEnd: oe, Text: src[os:oe]})
	}
	return out
}

// rawContact reads a contact the crawler found beside the text.
func (st *adState) rawContact(raw string) {
	var nt normalized
	st.norm.normalize(&nt, raw)
	before := len(st.contacts)
	for kind, link := range map[int]string{chTelegram: "t.me/", chWhatsApp: "wa.me/", chLine: "line.me/"} {
		if strings.Contains(string(nt.text), link) {
			st.channels |= 1 << kind
		}
	}
	extractContactsIn(st, nt.text, true)
	if len(st.contacts) == before && len(raw) <= 128 {
		st.addContact("url", raw)
	}
}

func (st *adState) extracted() ad.Extracted {
	x := ad.Extracted{Salary: st.salary, Contacts: st.contacts, Countries: st.countries()}
	for _, h := range st.placeHits {
		name := st.p.places[h.id].display
		if !contains(x.Places, name) {
			x.Places = append(x.Places, name)
		}
	}
	for _, h := range st.jobHits {
		name := st.p.jobTypes[h.id]
		if !contains(x.JobTypes, name) {
			x.JobTypes = append(x.JobTypes, name)
		}
	}
	x.Languages = append([]string(nil), st.languages()...)
	x.Nationalities = append([]string(nil), st.nationalities()...)
	return x
}

func (c *Classifier) level(score float64) ad.Level {
	t := c.cfg.Thresholds
	switch {
	case score >= t.Critical:
		return ad.LevelCritical
	case score >= t.High:
		return ad.LevelHigh
	case score >= t.Medium:
		return ad.LevelMedium
	case score >= t.Low:
		return ad.LevelLow
	}
	return ad.LevelNone
}
