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
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
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
	// levelCounters are judged's counters by level rank, once used.
	levelCounters [5]atomic.Pointer[counterRef]
}

// loaded is one compiled rule pack with its pool of scratch states.
type loaded struct {
	p           *pack
	fingerprint string // of the files' contents
	stat        string // of their names, sizes and times, for Watch
	pool        sync.Pool
	// hitCounters[i] is rule i's hits counter once it has fired.
	hitCounters []atomic.Pointer[counterRef]
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
	c.logWarnings(l)
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
	l.hitCounters = make([]atomic.Pointer[counterRef], len(p.rules))
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
		return nil, fmt.Errorf("rules: no *.yaml files in %s; set classifier.rules to the rule folder (relative paths start from the working directory)", dir)
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
	c.logWarnings(l)
	c.reloads.WithLabelValues("ok").Inc()
	c.log.Info("rules reloaded", "dir", c.cfg.Rules, "rules", len(l.p.rules), "pack", l.p.hash)
	return nil
}

// logWarnings logs what is amiss in the rule files just loaded but did
// not stop them from loading.
func (c *Classifier) logWarnings(l *loaded) {
	for _, w := range l.p.warnings {
		c.log.Warn("rule file", "warning", w.Error())
	}
}

// Warnings are the problems in the rule files in force that did not stop
// them from loading, each naming its file and line.
func (c *Classifier) Warnings() []error { return c.cur.Load().p.warnings }

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
	st.meta = r.Meta
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
	// The fee first: an amount the ad asks the applicant to pay is not
	// the pay it offers.
	extractFee(st, c.rates, lang)
	extractSalary(st, c.rates, lang)

	v := ad.Verdict{Rules: l.p.hash}
	st.hits, st.spanOut, st.catWeight = st.hits[:0], st.spanOut[:0], st.catWeight[:0]
	for i, rl := range l.p.rules {
		if !rl.needs.met(st) {
			continue
		}
		st.spans = st.spans[:0]
		if !st.eval(rl.root) {
			continue
		}
		from := len(st.spanOut)
		st.appendAdSpans()
		st.hits = append(st.hits, hitRef{rule: int32(i), from: int32(from), to: int32(len(st.spanOut))})
		v.Score += rl.weight
		if rl.weight > 0 {
			st.addCatWeight(rl.category, rl.weight)
		}
		l.ruleHit(c, i)
	}
	v.Hits = st.verdictHits(l.p.rules)
	slices.SortStableFunc(v.Hits, func(a, b ad.Hit) int { return cmp.Compare(b.Weight, a.Weight) })
	best := 0.0
	for _, h := range v.Hits {
		if w := st.catWeightOf(h.Category); w > best {
			v.Category, best = h.Category, w
		}
	}
	v.Score = float64(int64(v.Score*100+0.5*sign(v.Score))) / 100
	v.Level = c.level(v.Score)
	v.Flagged = v.Level.Rank() >= c.flagAt.Rank()
	v.Extracted = st.extracted()
	v.ClassifiedAt = c.now().UTC()
	c.judgedAt(v.Level).Inc()
	return v
}

// hitRef is a rule that fired, with its spans in adState.spanOut.
type hitRef struct{ rule, from, to int32 }

// verdictHits turns the rules that fired into the verdict's hits: one
// allocation for the hits and one for all their spans, however many.
func (st *adState) verdictHits(rules []*rule) []ad.Hit {
	if len(st.hits) == 0 {
		return nil
	}
	var spans []ad.Span
	if len(st.spanOut) > 0 {
		spans = slices.Clone(st.spanOut)
	}
	hits := make([]ad.Hit, len(st.hits))
	for i, h := range st.hits {
		rl := rules[h.rule]
		hits[i] = ad.Hit{Rule: rl.id, Weight: rl.weight, Category: rl.category, Description: rl.description}
		if h.to > h.from {
			hits[i].Spans = spans[h.from:h.to:h.to]
		}
	}
	return hits
}

// catWeight is the weight of the rules of one category that fired; an ad
// meets few categories, so a list beats a map.
type catWeight struct {
	category string
	weight   float64
}

func (st *adState) addCatWeight(category string, w float64) {
	for i := range st.catWeight {
		if st.catWeight[i].category == category {
			st.catWeight[i].weight += w
			return
		}
	}
	st.catWeight = append(st.catWeight, catWeight{category, w})
}

func (st *adState) catWeightOf(category string) float64 {
	for _, cw := range st.catWeight {
		if cw.category == category {
			return cw.weight
		}
	}
	return 0
}

// ruleHit counts a hit of rule i. The rule's counter is looked up once
// per rule pack, not once per hit.
func (l *loaded) ruleHit(c *Classifier, i int) {
	ref := l.hitCounters[i].Load()
	if ref == nil {
		ref = &counterRef{c.ruleHits.WithLabelValues(l.p.rules[i].id)}
		l.hitCounters[i].Store(ref)
	}
	ref.Inc()
}

// judgedAt is the verdicts counter of a level, looked up once.
func (c *Classifier) judgedAt(level ad.Level) prometheus.Counter {
	r := level.Rank()
	if r < 0 {
		return c.judged.WithLabelValues(string(level))
	}
	ref := c.levelCounters[r].Load()
	if ref == nil {
		ref = &counterRef{c.judged.WithLabelValues(string(level))}
		c.levelCounters[r].Store(ref)
	}
	return ref
}

// counterRef holds a counter of a vector once looked up.
type counterRef struct{ prometheus.Counter }

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

// appendAdSpans adds the spans of the rule just evaluated to spanOut in
// the contract's form, with the original text of each; duplicates are
// dropped and at most 12 kept.
func (st *adState) appendAdSpans() {
	kept := 0
	for i, s := range st.spans {
		if slices.Contains(st.spans[:i], s) {
			continue
		}
		if kept == 12 {
			break
		}
		kept++
		src := st.src[s.field]
		os, oe := st.f[s.field].origSpan(src, int(s.start), int(s.end))
		st.spanOut = append(st.spanOut, ad.Span{Field: fieldNames[s.field], Start: int(s.start), End: int(s.end), OrigStart: os, OrigEnd: oe, Text: src[os:oe]})
	}
}

// rawContact reads a contact the crawler found beside the text.
func (st *adState) rawContact(raw string) {
	nt := &st.rawNorm
	st.norm.normalize(nt, raw)
	before := len(st.contactRefs)
	for _, link := range [...]struct {
		kind   int
		prefix string
	}{{chTelegram, "t.me/"}, {chWhatsApp, "wa.me/"}, {chLine, "line.me/"}} {
		if bytes.Contains(nt.text, []byte(link.prefix)) {
			st.channels |= 1 << link.kind
		}
	}
	extractContactsIn(st, nt, raw, true)
	if len(st.contactRefs) == before && len(raw) <= 128 {
		from := len(st.contactText)
		st.contactText = append(st.contactText, raw...)
		st.commitContact("url", from)
	}
}

// extracted is what the extractors found, in memory of the verdict's
// own: one allocation for all the lists of names, one for the contacts.
func (st *adState) extracted() ad.Extracted {
	buf := append(st.strOut[:0], st.countries()...)
	var ends [5]int
	ends[0] = len(buf)
	for _, h := range st.placeHits {
		if name := st.p.places[h.id].display; !slices.Contains(buf[ends[0]:], name) {
			buf = append(buf, name)
		}
	}
	ends[1] = len(buf)
	for _, h := range st.jobHits {
		if name := st.p.jobTypes[h.id]; !slices.Contains(buf[ends[1]:], name) {
			buf = append(buf, name)
		}
	}
	ends[2] = len(buf)
	buf = append(buf, st.languages()...)
	ends[3] = len(buf)
	buf = append(buf, st.nationalities()...)
	ends[4] = len(buf)
	st.strOut = buf
	var all []string
	if len(buf) > 0 {
		all = slices.Clone(buf)
	}
	part := func(k int) []string {
		from := 0
		if k > 0 {
			from = ends[k-1]
		}
		if from == ends[k] {
			return nil
		}
		return all[from:ends[k]:ends[k]]
	}
	x := ad.Extracted{Salary: st.salary, Fee: st.fee, Countries: part(0), Places: part(1), JobTypes: part(2), Languages: part(3), Nationalities: part(4)}
	x.Contacts = st.verdictContacts()
	for f := range st.f {
		x.Zawgyi = x.Zawgyi || st.f[f].zawgyi
	}
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
