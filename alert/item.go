package alert

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Item is one ad in a notification: what an office needs to judge it at a
// glance, and a link to the analyst UI for the rest. The ad's full text is
// not kept: the outbox holds only this.
type Item struct {
	AdID     string    `json:"ad_id"`
	Title    string    `json:"title"`
	Source   string    `json:"source"`
	Platform string    `json:"platform,omitempty"`
	URL      string    `json:"url,omitempty"`
	Link     string    `json:"link,omitempty"`
	Level    ad.Level  `json:"level"`
	Score    float64   `json:"score"`
	Category string    `json:"category,omitempty"`
	Location string    `json:"location,omitempty"`
	Salary   string    `json:"salary,omitempty"`
	PostedAt time.Time `json:"posted_at,omitzero"`
	SeenAt   time.Time `json:"seen_at"`
	// Evidence is a snippet for each rule that fired, heaviest first.
	Evidence      []Evidence `json:"evidence,omitempty"`
	Contacts      []string   `json:"contacts,omitempty"`
	Nationalities []string   `json:"nationalities,omitempty"`
	Places        []string   `json:"places,omitempty"`
	Languages     []string   `json:"languages,omitempty"`

	// Thread is set when this ad repeats an earlier alert to the same
	// receiver (the same contact handle or text): the id of that alert's
	// ad, its title, and what they share.
	Thread      string `json:"thread,omitempty"`
	ThreadTitle string `json:"thread_title,omitempty"`
	ThreadLink  string `json:"thread_link,omitempty"`
	Shared      string `json:"shared,omitempty"`
}

// Evidence is why a rule fired: the matched words in their context.
type Evidence struct {
	Rule        string `json:"rule"`
	Description string `json:"description,omitempty"`
	Before      string `json:"before,omitempty"`
	Match       string `json:"match"`
	After       string `json:"after,omitempty"`
}

// maxEvidence bounds the snippets of one ad, so a message stays readable.
const maxEvidence = 4

// snippetContext is how many characters of context a snippet shows each
// side of the match.
const snippetContext = 60

// newItem summarises a flagged ad. base is the analyst UI's root URL.
func newItem(f *ad.Flagged, base string, now time.Time) Item {
	x := f.Verdict.Extracted
	it := Item{
		AdID: f.ID, Title: clip(f.Headline(), 200), Source: f.Source, Platform: f.Platform,
		URL: f.URL, Link: adLink(base, f.ID), Level: f.Verdict.Level, Score: f.Verdict.Score,
		Category: f.Verdict.Category, Location: clip(f.Location, 120), PostedAt: f.PostedAt, SeenAt: now,
		Nationalities: x.Nationalities, Places: x.Places, Languages: x.Languages,
	}
	switch {
	case x.Salary != nil && x.Salary.Text != "":
		it.Salary = clip(x.Salary.Text, 80)
	default:
		it.Salary = clip(f.Salary, 80)
	}
	for _, c := range x.Contacts {
		it.Contacts = append(it.Contacts, c.Kind+" "+c.Value)
	}
	if len(it.Contacts) == 0 {
		it.Contacts = append(it.Contacts, f.Contacts...)
	}
	fields := map[string]string{"title": f.Title, "body": f.Body, "location": f.Location, "salary": f.Salary, "company": f.Company, "author": f.Author}
	for _, h := range f.Verdict.Hits {
		if len(it.Evidence) == maxEvidence {
			break
		}
		e := Evidence{Rule: h.Rule, Description: h.Description}
		if len(h.Spans) > 0 {
			s := h.Spans[0]
			e.Before, e.Match, e.After = snippet(fields[s.Field], s)
		}
		it.Evidence = append(it.Evidence, e)
	}
	return it
}

// snippet cuts the span's text out of its field with some context. Offsets
// that do not fit the field (a classifier bug, or a field we do not keep)
// fall back to the span's own text.
func snippet(text string, s ad.Span) (before, match, after string) {
	if s.OrigStart < 0 || s.OrigEnd > len(text) || s.OrigStart >= s.OrigEnd ||
		!utf8.RuneStart(text[s.OrigStart]) || (s.OrigEnd < len(text) && !utf8.RuneStart(text[s.OrigEnd])) {
		return "", oneLine(s.Text), ""
	}
	before = text[:s.OrigStart]
	if r := []rune(before); len(r) > snippetContext {
		before = "…" + string(r[len(r)-snippetContext:])
	}
	after = text[s.OrigEnd:]
	if r := []rune(after); len(r) > snippetContext {
		after = string(r[:snippetContext]) + "…"
	}
	return oneLine(before), oneLine(text[s.OrigStart:s.OrigEnd]), oneLine(after)
}

func adLink(base, id string) string {
	if base == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/ads/" + url.PathEscape(id)
}

func oneLine(s string) string {
	lead := strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n")
	trail := strings.HasSuffix(s, " ") || strings.HasSuffix(s, "\n")
	s = strings.Join(strings.Fields(s), " ")
	if lead && s != "" {
		s = " " + s
	}
	if trail && s != "" {
		s += " "
	}
	return s
}

func clip(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > limit {
		return string(r[:limit-1]) + "…"
	}
	return s
}
