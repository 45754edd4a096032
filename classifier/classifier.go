// Package classifier scores raw ads with transparent, weighted rules and says
// which words made each rule fire.
package classifier

import (
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/prometheus/client_golang/prometheus"
)

// Classifier judges ads by its rules.
type Classifier struct {
	cfg    Config
	rules  []Rule
	flagAt ad.Level
	log    *slog.Logger
	judged *prometheus.CounterVec
	now    func() time.Time
}

// New loads the rules named by cfg. A nil logger or registerer means none.
func New(cfg Config, logger *slog.Logger, reg prometheus.Registerer) (*Classifier, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rules, err := LoadRules(cfg.Rules)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Classifier{cfg: cfg, rules: rules, flagAt: ad.Level(cfg.FlagLevel), log: logger, now: time.Now,
		judged: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_classifier_verdicts_total", Help: "Ads judged, by level."}, []string{"level"})}
	if reg != nil {
		reg.MustRegister(c.judged)
	}
	return c, nil
}

// Classify judges one ad.
func (c *Classifier) Classify(r *ad.Raw) ad.Verdict {
	fields := []struct{ name, text string }{{"title", r.Title}, {"body", r.Body}, {"location", r.Location}, {"salary", r.Salary}, {"company", r.Company}}
	var v ad.Verdict
	for _, rule := range c.rules {
		var spans []ad.Span
		for _, f := range fields {
			lower := strings.ToLower(f.text)
			for _, k := range rule.Any {
				// Lower-casing can change byte lengths outside ASCII; offsets
				// are only trusted when it did not.
				if i := strings.Index(lower, k); i >= 0 && len(lower) == len(f.text) {
					spans = append(spans, ad.Span{Field: f.name, Start: i, End: i + len(k), OrigStart: i, OrigEnd: i + len(k), Text: f.text[i : i+len(k)]})
				}
			}
		}
		if len(spans) > 0 {
			v.Hits = append(v.Hits, ad.Hit{Rule: rule.ID, Weight: rule.Weight, Category: rule.Category, Description: rule.Description, Spans: spans})
			v.Score += rule.Weight
		}
	}
	sort.SliceStable(v.Hits, func(i, j int) bool { return v.Hits[i].Weight > v.Hits[j].Weight })
	if len(v.Hits) > 0 {
		v.Category = v.Hits[0].Category
	}
	v.Level = c.level(v.Score)
	v.Flagged = v.Level.Rank() >= c.flagAt.Rank()
	v.ClassifiedAt = c.now().UTC()
	c.judged.WithLabelValues(string(v.Level)).Inc()
	return v
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
