package ad_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func validRaw() ad.Raw {
	r := ad.Raw{
		ID:        ad.NewID("demo", "post-1"),
		Source:    "demo",
		FetchedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
		Title:     "Customer service, Sihanoukville",
		Body:      "USD 1500 a month, no experience, flight paid.",
	}
	r.Seal()
	return r
}

func TestNewIDIsStable(t *testing.T) {
	a := ad.NewID("board", ad.CanonicalURL("HTTPS://Jobs.Example.com:443/ad/7?utm_source=fb&b=2&a=1#top"))
	b := ad.NewID("board", ad.CanonicalURL("https://jobs.example.com/ad/7?a=1&b=2"))
	if a != b {
		t.Fatalf("same ad by two links got ids %s and %s", a, b)
	}
	if ad.NewID("other", "https://jobs.example.com/ad/7?a=1&b=2") == b {
		t.Fatal("two sources share an id")
	}
}

func TestCanonicalURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://Example.com", "http://example.com/"},
		{"http://example.com:80/a?b=1&a=2", "http://example.com/a?a=2&b=1"},
		{"https://example.com:8443/a#frag", "https://example.com:8443/a"},
		{"https://t.me/s/jobs?before=120&fbclid=x", "https://t.me/s/jobs?before=120"},
		{"  not a url  ", "not a url"},
	} {
		if got := ad.CanonicalURL(tc.in); got != tc.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestContentHashIgnoresSpacingAndCase(t *testing.T) {
	a, b := validRaw(), validRaw()
	b.Body = "  usd 1500 A MONTH,\n no experience,   flight paid. "
	b.URL = "https://elsewhere.example/x"
	if ad.ContentHash(&a) != ad.ContentHash(&b) {
		t.Fatal("hash changed with spacing, case or URL")
	}
	a.Body, b.Body = strings.Repeat("word ", 3000), strings.Repeat("WORD\n\t ", 3000)
	if ad.ContentHash(&a) != ad.ContentHash(&b) {
		t.Fatal("hash of a long body changed with spacing or case")
	}
	b.Body = strings.Repeat("word", 3000)
	if ad.ContentHash(&a) == ad.ContentHash(&b) {
		t.Fatal("hash ignores the spaces between words")
	}
	b.Body = "USD 2500 a month"
	if ad.ContentHash(&a) == ad.ContentHash(&b) {
		t.Fatal("hash unchanged after an edit")
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*ad.Raw)
		field  string
	}{
		{"no id", func(r *ad.Raw) { r.ID = "" }, "id:"},
		{"no source", func(r *ad.Raw) { r.Source = "" }, "source:"},
		{"no text", func(r *ad.Raw) { r.Title, r.Body = "", "" }, "title:"},
		{"no fetch time", func(r *ad.Raw) { r.FetchedAt = time.Time{} }, "fetched_at:"},
		{"huge body", func(r *ad.Raw) { r.Body = strings.Repeat("x", ad.MaxBodyBytes+1) }, "body: is 262145 bytes"},
		{"bad utf8", func(r *ad.Raw) { r.Location = "Phnom \xff Penh" }, "location: is not valid UTF-8"},
		{"future schema", func(r *ad.Raw) { r.SchemaVersion = ad.SchemaVersion + 1 }, "schema_version:"},
		{"too many contacts", func(r *ad.Raw) { r.Contacts = make([]string, ad.MaxContacts+1) }, "contacts:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validRaw()
			tc.mutate(&r)
			err := r.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ad.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name %q", err, tc.field)
			}
		})
	}
	r := validRaw()
	if err := r.Validate(); err != nil {
		t.Fatalf("valid ad refused: %v", err)
	}
}

func TestDecodeAcceptsCurrentAndPreviousVersion(t *testing.T) {
	r := validRaw()
	data, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		header string
		ok     bool
	}{
		{"", true},
		{fmt.Sprint(ad.SchemaVersion), true},
		{fmt.Sprint(ad.SchemaVersion + 1), false},
		{"one", false},
	} {
		_, err := ad.DecodeRaw(data, tc.header)
		if (err == nil) != tc.ok {
			t.Errorf("header %q: err = %v, want ok=%v", tc.header, err, tc.ok)
		}
	}
	old := strings.Replace(string(data), fmt.Sprintf(`"schema_version":%d`, ad.SchemaVersion), fmt.Sprintf(`"schema_version":%d`, ad.MinSchemaVersion), 1)
	if _, err := ad.DecodeRaw([]byte(old), ""); err != nil {
		t.Errorf("previous version refused: %v", err)
	}
	if _, err := ad.DecodeRaw([]byte("{not json"), ""); !errors.Is(err, ad.ErrInvalid) {
		t.Errorf("broken JSON: err = %v, want ErrInvalid", err)
	}
}

func TestTruncateKeepsRunes(t *testing.T) {
	r := validRaw()
	r.Body = strings.Repeat("ក", ad.MaxBodyBytes) // 3 bytes a rune
	if !r.Truncate() {
		t.Fatal("nothing cut")
	}
	r.Seal()
	if err := r.Validate(); err != nil {
		t.Fatalf("truncated ad invalid: %v", err)
	}
}

func TestHeadline(t *testing.T) {
	long := strings.Repeat("ក", 200)
	for _, tc := range []struct{ title, body, want string }{
		{"  Typist, Bavet ", "body", "Typist, Bavet"},
		{"", "URGENT HIRING   typists\nsecond line", "URGENT HIRING typists"},
		{"", long, strings.Repeat("ក", 119) + "…"},
		{"", "", ""},
	} {
		r := ad.Raw{Title: tc.title, Body: tc.body}
		if got := r.Headline(); got != tc.want {
			t.Errorf("Headline(%q, %q) = %q, want %q", tc.title, tc.body, got, tc.want)
		}
	}
}

func TestParseLevel(t *testing.T) {
	if l, err := ad.ParseLevel("high"); err != nil || l.Rank() != 3 {
		t.Fatalf("ParseLevel(high) = %v, %v", l, err)
	}
	if _, err := ad.ParseLevel("severe"); err == nil || !strings.Contains(err.Error(), "severe") {
		t.Fatalf("ParseLevel(severe) err = %v", err)
	}
}

// A flagged ad survives a round trip through its JSON form.
func Example() {
	r := ad.Raw{
		ID:        ad.NewID("demo-board", "https://jobs.example/ad/1"),
		Source:    "demo-board",
		FetchedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
		Title:     "Typist wanted, Bavet",
	}
	r.Seal()
	f := ad.Flagged{Raw: r, Verdict: ad.Verdict{Score: 7, Level: ad.LevelHigh, Flagged: true,
		Hits: []ad.Hit{{Rule: "watched-hub", Weight: 3, Spans: []ad.Span{{Field: "title", Start: 17, End: 22, OrigStart: 17, OrigEnd: 22, Text: "Bavet"}}}}}}
	data, _ := f.Encode()
	back, err := ad.DecodeFlagged(data, "1")
	fmt.Println(err, back.Title, back.Verdict.Level, back.Verdict.Hits[0].Spans[0].Text)
	// Output: <nil> Typist wanted, Bavet high Bavet
}
