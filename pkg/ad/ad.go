// Package ad is the contract between lurewatch's stages: the raw ad a crawler
// produces, the verdict a classifier adds to it, their stable ids, their JSON
// form with a schema version, and validation.
//
// It is plain data: no stage logic lives here, and it imports no stage.
package ad

import (
	"strings"
	"time"
)

// SchemaVersion is the version of the JSON form written by this build. It
// travels in the message header HeaderSchemaVersion and in the
// schema_version field.
const SchemaVersion = 1

// MinSchemaVersion is the oldest version this build still reads: consumers
// accept the current and the previous version, so stages can be upgraded one
// at a time while messages of the older form are still on the topics.
const MinSchemaVersion = SchemaVersion - 1

// HeaderSchemaVersion is the Kafka header that carries the schema version.
const HeaderSchemaVersion = "schema-version"

// Raw is one job advertisement as a crawler found it, before any judgement.
type Raw struct {
	SchemaVersion int `json:"schema_version"`
	// ID is stable across re-crawls: see NewID.
	ID string `json:"id"`
	// Source is the name of the configured source that produced the ad.
	Source string `json:"source"`
	// Platform is the kind of place it was posted: jobboard, telegram,
	// facebook, feed, import, ...
	Platform string `json:"platform,omitempty"`
	URL      string `json:"url,omitempty"`
	// PostID is the source's own id for the post, when it has one.
	PostID    string    `json:"post_id,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
	PostedAt  time.Time `json:"posted_at,omitzero"`

	Title    string `json:"title,omitempty"`
	Body     string `json:"body,omitempty"`
	Location string `json:"location,omitempty"`
	Salary   string `json:"salary,omitempty"`
	Company  string `json:"company,omitempty"`
	Author   string `json:"author,omitempty"`
	// Contacts are handles, numbers and links as written in the ad.
	Contacts []string `json:"contacts,omitempty"`
	// Lang is the source's language hint (BCP 47), if any.
	Lang string `json:"lang,omitempty"`
	// Meta holds source-specific facts worth keeping: views, forwarded_from,
	// the page it was listed on.
	Meta map[string]string `json:"meta,omitempty"`

	// ContentHash identifies the text of the ad: see ContentHash.
	ContentHash string `json:"content_hash"`
}

// Flagged is a raw ad with the classifier's verdict.
type Flagged struct {
	Raw
	Verdict Verdict `json:"verdict"`
}

// Level grades a verdict's score.
type Level string

// Levels, from no concern to the most urgent.
const (
	LevelNone     Level = "none"
	LevelLow      Level = "low"
	LevelMedium   Level = "medium"
	LevelHigh     Level = "high"
	LevelCritical Level = "critical"
)

// Levels lists the levels in ascending order of concern.
var levels = [...]Level{LevelNone, LevelLow, LevelMedium, LevelHigh, LevelCritical}

// Rank orders levels: none is 0, critical is 4, an unknown level is -1.
func (l Level) Rank() int {
	for i, v := range levels {
		if v == l {
			return i
		}
	}
	return -1
}

// ParseLevel returns the level named s, or an error listing the valid names.
func ParseLevel(s string) (Level, error) {
	l := Level(s)
	if l.Rank() < 0 {
		return "", &FieldError{Field: "level", Reason: "must be one of none, low, medium, high, critical; got " + quote(s)}
	}
	return l, nil
}

// Verdict is the classifier's judgement of one ad, with everything an analyst
// needs to see why.
type Verdict struct {
	Score    float64 `json:"score"`
	Level    Level   `json:"level"`
	Flagged  bool    `json:"flagged"`
	Category string  `json:"category,omitempty"`
	// Hits lists every rule that fired, heaviest first.
	Hits      []Hit     `json:"hits,omitempty"`
	Extracted Extracted `json:"extracted"`
	// Rules identifies the rule pack that judged the ad (a hash of its files).
	Rules        string    `json:"rules,omitempty"`
	ClassifiedAt time.Time `json:"classified_at"`
}

// Hit is one rule that fired.
type Hit struct {
	Rule        string  `json:"rule"`
	Weight      float64 `json:"weight"`
	Category    string  `json:"category,omitempty"`
	Description string  `json:"description,omitempty"`
	Spans       []Span  `json:"spans,omitempty"`
}

// Span is the text that made a rule fire: byte offsets into the named field,
// both in the normalised text the rules read and in the original text.
type Span struct {
	Field     string `json:"field"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	OrigStart int    `json:"orig_start"`
	OrigEnd   int    `json:"orig_end"`
	// Text is the original text of the span, for display.
	Text string `json:"text"`
}

// Extracted is what the classifier's extractors found in the ad.
type Extracted struct {
	Salary *Salary `json:"salary,omitempty"`
	// Fee is the largest charge the ad asks the applicant to pay.
	Fee *Fee `json:"fee,omitempty"`
	// Places are the watched places named, by canonical name.
	Places []string `json:"places,omitempty"`
	// Countries are ISO 3166 alpha-2 codes of the places named.
	Countries []string  `json:"countries,omitempty"`
	Contacts  []Contact `json:"contacts,omitempty"`
	// Languages are the languages detected, most text first.
	Languages []string `json:"languages,omitempty"`
	JobTypes  []string `json:"job_types,omitempty"`
	// Nationalities are the nationalities the ad appears to target (ISO
	// 3166 alpha-2), inferred from language, phone codes and words such as
	// "WNI" or "OFW".
	Nationalities []string `json:"nationalities,omitempty"`
	// Zawgyi is set when the ad's Burmese is typed in the Zawgyi font
	// encoding: it was read converted to Unicode, but span texts show it
	// as typed, and a Unicode font draws it garbled.
	Zawgyi bool `json:"zawgyi,omitempty"`
}

// Salary is a pay offer, as written and normalised.
type Salary struct {
	Min      float64 `json:"min"`
	Max      float64 `json:"max,omitempty"`
	Currency string  `json:"currency"`
	Period   string  `json:"period"`
	// USDMonth is the offer's lower bound in US dollars a month.
	USDMonth float64 `json:"usd_month"`
	Text     string  `json:"text,omitempty"`
}

// Fee is a charge to the applicant, as written and in US dollars.
type Fee struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	USD      float64 `json:"usd"`
	Text     string  `json:"text,omitempty"`
}

// Contact is a way to reach the poster.
type Contact struct {
	// Kind is telegram, whatsapp, wechat, line, phone, email or url.
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// headlineRunes caps a headline taken from the body.
const headlineRunes = 120

// Headline is what lists show for the ad: its title or, for a post that has
// none (a chat channel's message), the start of its first line of text.
func (r *Raw) Headline() string {
	if t := strings.TrimSpace(r.Title); t != "" {
		return t
	}
	line, _, _ := strings.Cut(strings.TrimSpace(r.Body), "\n")
	line = strings.Join(strings.Fields(line), " ")
	if runes := []rune(line); len(runes) > headlineRunes {
		return string(runes[:headlineRunes-1]) + "…"
	}
	return line
}
