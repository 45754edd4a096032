package ad

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Size limits of an ad's fields, in bytes. Kafka's default message limit is
// 1 MB; these keep a flagged ad, with its verdict, well below it. A crawler
// truncates to them (see Truncate) rather than lose the ad.
const (
	MaxIDBytes       = 128
	MaxTitleBytes    = 2 << 10
	MaxBodyBytes     = 256 << 10
	MaxFieldBytes    = 1 << 10 // location, salary, company, author, url
	MaxURLBytes      = 4 << 10
	MaxContacts      = 64
	MaxMetaEntries   = 32
	MaxMetaValueSize = 1 << 10
)

// FieldError says which field of an ad is wrong and why.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// ErrInvalid is wrapped by every validation error, so that callers can tell
// a bad ad (dead-letter it) from a failure to handle a good one (retry).
var ErrInvalid = errors.New("invalid ad")

type invalid struct{ errs []error }

func (e *invalid) Error() string {
	if len(e.errs) == 1 {
		return "invalid ad: " + e.errs[0].Error()
	}
	return fmt.Sprintf("invalid ad: %v (and %d more)", e.errs[0], len(e.errs)-1)
}
func (e *invalid) Unwrap() []error { return append([]error{ErrInvalid}, e.errs...) }

// Validate checks that the ad carries what every stage relies on and stays
// within the size limits. The error names each offending field.
func (r *Raw) Validate() error {
	var errs []error
	bad := func(field, reason string) { errs = append(errs, &FieldError{Field: field, Reason: reason}) }
	if r.SchemaVersion < MinSchemaVersion || r.SchemaVersion > SchemaVersion {
		bad("schema_version", fmt.Sprintf("version %d is not supported (this build reads %d to %d)", r.SchemaVersion, MinSchemaVersion, SchemaVersion))
	}
	switch {
	case r.ID == "":
		bad("id", "is required")
	case len(r.ID) > MaxIDBytes:
		bad("id", fmt.Sprintf("is %d bytes, the limit is %d", len(r.ID), MaxIDBytes))
	}
	if r.Source == "" {
		bad("source", "is required")
	}
	if r.FetchedAt.IsZero() {
		bad("fetched_at", "is required")
	}
	if r.Title == "" && r.Body == "" {
		bad("title", "an ad needs a title or a body; both are empty")
	}
	for _, f := range []struct {
		name  string
		value string
		limit int
	}{
		{"title", r.Title, MaxTitleBytes},
		{"body", r.Body, MaxBodyBytes},
		{"location", r.Location, MaxFieldBytes},
		{"salary", r.Salary, MaxFieldBytes},
		{"company", r.Company, MaxFieldBytes},
		{"author", r.Author, MaxFieldBytes},
		{"url", r.URL, MaxURLBytes},
		{"post_id", r.PostID, MaxFieldBytes},
		{"platform", r.Platform, MaxFieldBytes},
		{"lang", r.Lang, MaxFieldBytes},
	} {
		if len(f.value) > f.limit {
			bad(f.name, fmt.Sprintf("is %d bytes, the limit is %d", len(f.value), f.limit))
		}
		if !utf8.ValidString(f.value) {
			bad(f.name, "is not valid UTF-8")
		}
	}
	if len(r.Contacts) > MaxContacts {
		bad("contacts", fmt.Sprintf("has %d entries, the limit is %d", len(r.Contacts), MaxContacts))
	}
	for i, c := range r.Contacts {
		if len(c) > MaxFieldBytes || !utf8.ValidString(c) {
			bad("contacts["+strconv.Itoa(i)+"]", "is longer than 1 KiB or not valid UTF-8")
		}
	}
	if len(r.Meta) > MaxMetaEntries {
		bad("meta", fmt.Sprintf("has %d entries, the limit is %d", len(r.Meta), MaxMetaEntries))
	}
	for k, v := range r.Meta {
		if len(v) > MaxMetaValueSize || !utf8.ValidString(k) || !utf8.ValidString(v) {
			bad("meta."+k, "is longer than 1 KiB or not valid UTF-8")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &invalid{errs: errs}
}

// Validate checks the raw ad and the verdict.
func (f *Flagged) Validate() error {
	if err := f.Raw.Validate(); err != nil {
		return err
	}
	if f.Verdict.Level.Rank() < 0 {
		return &invalid{errs: []error{&FieldError{Field: "verdict.level", Reason: "unknown level " + quote(string(f.Verdict.Level))}}}
	}
	return nil
}

// Seal makes a freshly built ad ready to send: it stamps the schema version
// and computes the content hash. Call it after the last field is set.
func (r *Raw) Seal() {
	r.SchemaVersion = SchemaVersion
	r.ContentHash = ContentHash(r)
}

// Truncate cuts the free-text fields to the size limits at a rune boundary
// and reports whether anything was cut, so a crawler keeps a long ad instead
// of losing it.
func (r *Raw) Truncate() bool {
	cut := false
	for _, f := range []struct {
		p     *string
		limit int
	}{
		{&r.Title, MaxTitleBytes}, {&r.Body, MaxBodyBytes}, {&r.Location, MaxFieldBytes},
		{&r.Salary, MaxFieldBytes}, {&r.Company, MaxFieldBytes}, {&r.Author, MaxFieldBytes},
	} {
		if len(*f.p) > f.limit {
			*f.p = truncateUTF8(*f.p, f.limit)
			cut = true
		}
	}
	if len(r.Contacts) > MaxContacts {
		r.Contacts = r.Contacts[:MaxContacts]
		cut = true
	}
	return cut
}

func truncateUTF8(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return s[:limit]
}

func quote(s string) string { return strconv.Quote(s) }
