// Package indextest holds flagged ads in the ten languages lurewatch reads,
// written for the tests, and opens an index over them, for the tests of
// index and of the packages that read through it.
package indextest

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

//go:embed ads.jsonl
var adsJSONL []byte

// Fixture is one test ad in its short written form.
type Fixture struct {
	ID        string      `json:"id"`
	Lang      string      `json:"lang"`
	Source    string      `json:"source"`
	Platform  string      `json:"platform"`
	URL       string      `json:"url"`
	Title     string      `json:"title"`
	Body      string      `json:"body"`
	Location  string      `json:"location"`
	Company   string      `json:"company"`
	Salary    float64     `json:"salary"`
	Places    []string    `json:"places"`
	Countries []string    `json:"countries"`
	Contacts  [][2]string `json:"contacts"`
	JobTypes  []string    `json:"job_types"`
	// Rules are [rule id, phrase] pairs: the phrase is found in the title
	// or body and becomes the hit's span.
	Rules  [][2]string `json:"rules"`
	Level  string      `json:"level"`
	Posted string      `json:"posted"`
}

// Fixtures returns the test ads in their written form.
func Fixtures() []Fixture {
	var out []Fixture
	sc := bufio.NewScanner(bytes.NewReader(adsJSONL))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var f Fixture
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			panic(fmt.Sprintf("indextest/ads.jsonl line %d: %v", n, err))
		}
		out = append(out, f)
	}
	return out
}

// Ads returns the test ads as the classifier would publish them.
func Ads() []*ad.Flagged {
	var out []*ad.Flagged
	for _, f := range Fixtures() {
		out = append(out, f.Flagged())
	}
	return out
}

// Flagged builds the flagged ad of a fixture. Its id is the fixture's id,
// so tests can name the ads they expect.
func (f Fixture) Flagged() *ad.Flagged {
	posted, err := time.Parse(time.DateOnly, f.Posted)
	if err != nil {
		posted = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	source := f.Source
	if source == "" {
		source = "test"
	}
	url := f.URL
	if url == "" {
		url = "https://jobs.example/ad/" + f.ID
	}
	r := ad.Raw{
		SchemaVersion: ad.SchemaVersion, ID: f.ID, Source: source, Platform: f.Platform, URL: url,
		FetchedAt: posted.Add(3 * time.Hour), PostedAt: posted,
		Title: f.Title, Body: f.Body, Location: f.Location, Company: f.Company, Lang: f.Lang,
	}
	for _, c := range f.Contacts {
		r.Contacts = append(r.Contacts, c[0]+" "+c[1])
	}
	r.Seal()
	level := ad.Level(f.Level)
	v := ad.Verdict{Level: level, Flagged: level.Rank() >= 2, Score: float64(level.Rank()) * 2.5,
		Category: "job-scam", ClassifiedAt: posted.Add(3*time.Hour + time.Second)}
	x := &v.Extracted
	x.Places, x.Countries, x.JobTypes, x.Languages = f.Places, f.Countries, f.JobTypes, []string{f.Lang}
	for _, c := range f.Contacts {
		x.Contacts = append(x.Contacts, ad.Contact{Kind: c[0], Value: c[1]})
	}
	if f.Salary > 0 {
		x.Salary = &ad.Salary{Min: f.Salary, Currency: "USD", Period: "month", USDMonth: f.Salary}
	}
	for k, rp := range f.Rules {
		h := ad.Hit{Rule: rp[0], Weight: float64(3 - k%3), Category: "job-scam", Description: "Test rule " + rp[0] + "."}
		for _, fld := range []struct{ name, text string }{{"title", r.Title}, {"body", r.Body}} {
			if at := strings.Index(fld.text, rp[1]); at >= 0 {
				h.Spans = append(h.Spans, ad.Span{Field: fld.name, Start: at, End: at + len(rp[1]), OrigStart: at, OrigEnd: at + len(rp[1]), Text: rp[1]})
			}
		}
		v.Hits = append(v.Hits, h)
	}
	return &ad.Flagged{Raw: r, Verdict: v}
}

// Open opens an index in a test's temporary directory and writes ads into
// it; it is closed when the test ends.
func Open(t testing.TB, ads []*ad.Flagged, opts ...index.Option) *index.Index {
	t.Helper()
	idx, err := index.Open(index.Config{Dir: t.TempDir()}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if len(ads) > 0 {
		if err := idx.Upsert(context.Background(), ads); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}
