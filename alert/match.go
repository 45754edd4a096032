package alert

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Match selects ads by what the classifier found in them. Every field that
// is set must match; a list matches when any of its values does. Values
// compare without regard to case. The zero Match matches every ad.
type Match struct {
	// Level is a level name ("high") or a lower bound (">=high").
	Level string `yaml:"level" json:"level,omitempty"`
	// Category is the verdict's category.
	Category []string `yaml:"category" json:"category,omitempty"`
	// Language is a language the ad is written in (BCP 47 base, "id", "vi").
	Language []string `yaml:"language" json:"language,omitempty"`
	// Place is a watched place or the ISO 3166 alpha-2 code of a country
	// the ad names ("Sihanoukville", "KH").
	Place []string `yaml:"place" json:"place,omitempty"`
	// Source is the configured source's name or its platform ("telegram").
	Source []string `yaml:"source" json:"source,omitempty"`
	// Nationality is the ISO 3166 alpha-2 code of a nationality the ad
	// targets ("ID", "PH", "VN"), as the classifier inferred it from the
	// language, phone codes and words such as "WNI" or "OFW".
	Nationality []string `yaml:"nationality" json:"nationality,omitempty"`
}

// labelNames are the facts of an ad that routes match on and group by.
var labelNames = []string{"level", "category", "language", "place", "source", "nationality"}

// facts are an ad's routing labels, each a set of lower-case values.
type facts map[string][]string

// factsOf reads the routing labels of a flagged ad. The source's language
// hint counts as a language beside the detected ones, so that routes on
// language work before the classifier detects any.
func factsOf(f *ad.Flagged) facts {
	x := f.Verdict.Extracted
	fs := facts{
		"level":       {string(f.Verdict.Level)},
		"category":    lower([]string{f.Verdict.Category}),
		"language":    baseLangs(append(slices.Clone(x.Languages), f.Lang)),
		"place":       lower(append(slices.Clone(x.Places), x.Countries...)),
		"source":      lower([]string{f.Source, f.Platform}),
		"nationality": lower(x.Nationalities),
	}
	return fs
}

// value is the label's values joined, for group keys and display.
func (fs facts) value(name string) string { return strings.Join(fs[name], ",") }

func lower(vs []string) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		v = strings.ToLower(strings.TrimSpace(v))
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// baseLangs reduces language tags to their base ("zh-Hans" is "zh").
func baseLangs(vs []string) []string {
	for i, v := range vs {
		v, _, _ = strings.Cut(v, "-")
		v, _, _ = strings.Cut(v, "_")
		vs[i] = v
	}
	return lower(vs)
}

// Validate checks the level bound and that no list holds an empty value.
func (m *Match) Validate() error {
	if m.Level != "" {
		if _, err := ad.ParseLevel(strings.TrimPrefix(m.Level, ">=")); err != nil {
			return fmt.Errorf("level: %q is not a level or >=level (none, low, medium, high, critical)", m.Level)
		}
	}
	for name, vs := range m.lists() {
		for i, v := range vs {
			if strings.TrimSpace(v) == "" {
				return fmt.Errorf("%s[%d]: is empty", name, i)
			}
		}
	}
	return nil
}

func (m *Match) lists() map[string][]string {
	return map[string][]string{
		"category": m.Category, "language": m.Language, "place": m.Place,
		"source": m.Source, "nationality": m.Nationality,
	}
}

// Empty reports whether m matches every ad.
func (m *Match) Empty() bool {
	if m.Level != "" {
		return false
	}
	for _, vs := range m.lists() {
		if len(vs) > 0 {
			return false
		}
	}
	return true
}

// matches reports whether an ad with these facts is selected.
func (m *Match) matches(fs facts) bool {
	if m.Level != "" {
		got := ad.Level(fs["level"][0]).Rank()
		if bound, ok := strings.CutPrefix(m.Level, ">="); ok {
			if got < ad.Level(strings.ToLower(bound)).Rank() {
				return false
			}
		} else if got != ad.Level(strings.ToLower(m.Level)).Rank() {
			return false
		}
	}
	for name, want := range m.lists() {
		if len(want) == 0 {
			continue
		}
		if name == "language" {
			want = baseLangs(slices.Clone(want))
		}
		if !anyIn(lower(want), fs[name]) {
			return false
		}
	}
	return true
}

func anyIn(want, have []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// String is the match in the form the CLI takes: key=value,value ...
func (m *Match) String() string {
	var parts []string
	if m.Level != "" {
		parts = append(parts, "level="+m.Level)
	}
	for _, name := range labelNames[1:] {
		if vs := m.lists()[name]; len(vs) > 0 {
			parts = append(parts, name+"="+strings.Join(vs, ","))
		}
	}
	if len(parts) == 0 {
		return "(every ad)"
	}
	return strings.Join(parts, " ")
}

// ParseMatch reads matchers written as key=value[,value...], as the CLI
// takes them: "level=>=high", "nationality=ID,PH".
func ParseMatch(exprs []string) (Match, error) {
	var m Match
	for _, e := range exprs {
		k, v, ok := strings.Cut(e, "=")
		if !ok || v == "" {
			return m, fmt.Errorf("matcher %q: write key=value, with key one of %s", e, strings.Join(labelNames, ", "))
		}
		vs := strings.Split(v, ",")
		switch strings.TrimSpace(k) {
		case "level":
			m.Level = v
		case "category":
			m.Category = append(m.Category, vs...)
		case "language":
			m.Language = append(m.Language, vs...)
		case "place":
			m.Place = append(m.Place, vs...)
		case "source":
			m.Source = append(m.Source, vs...)
		case "nationality":
			m.Nationality = append(m.Nationality, vs...)
		default:
			return m, fmt.Errorf("matcher %q: unknown key %q; use one of %s", e, k, strings.Join(labelNames, ", "))
		}
	}
	if err := m.Validate(); err != nil {
		return m, fmt.Errorf("matcher %w", err)
	}
	return m, nil
}
