package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/lurewatch/lurewatch/pkg/config"
)

// Source describes one place to crawl: one YAML file in crawler.sources.
// The common fields come first; each kind reads its own section (list and
// item for html, telegram, feed, json, file).
type Source struct {
	Name string `yaml:"name"`
	// Kind is html, telegram, feed, json or file.
	Kind string `yaml:"kind"`
	// Enabled false keeps the source out of `lurewatch run` and `crawl`
	// without --source; `sources check` still checks it. Default true.
	Enabled *bool `yaml:"enabled"`
	// Platform is recorded on every ad: jobboard, telegram, facebook, ...
	Platform  string   `yaml:"platform"`
	StartURLs []string `yaml:"start_urls"`
	// Interval is the time between the starts of two passes.
	Interval time.Duration `yaml:"interval"`
	// Lang is the language hint given to its ads (BCP 47).
	Lang string `yaml:"lang"`
	// Timezone is the IANA zone that dates without a zone, and relative
	// dates ("yesterday"), are read in. Default UTC.
	Timezone string `yaml:"timezone"`
	// Charset overrides what the pages declare, for sites that lie.
	Charset string `yaml:"charset"`
	// AllowPrivate lets the source reach loopback and private addresses:
	// for the demo and tests only.
	AllowPrivate bool `yaml:"allow_private"`
	// MaxPages bounds the list pages of one pass (pagination). Default 20.
	MaxPages int `yaml:"max_pages"`
	// FullScan walks every list page and refetches every item page on each
	// pass, so edits to old ads are seen. Without it a pass stops paging
	// once a page brings nothing new, and item pages already published are
	// not fetched again.
	FullScan bool `yaml:"full_scan"`
	// Delay replaces the host's delay between this source's requests
	// (crawler.delay, crawler.hosts); a robots.txt Crawl-delay still wins.
	Delay  *time.Duration `yaml:"delay"`
	Robots RobotsSpec     `yaml:"robots"`

	List     *ListSpec     `yaml:"list"`
	Item     *ItemSpec     `yaml:"item"`
	Telegram *TelegramSpec `yaml:"telegram"`
	Feed     *FeedSpec     `yaml:"feed"`
	JSON     *JSONSpec     `yaml:"json"`
	File     *FileSpec     `yaml:"file"`

	file  string
	lines config.Lines // where each key was set, for errors
	loc   *time.Location
	ext   Extractor
}

// RobotsSpec is how a source treats robots.txt. It is obeyed unless the
// source opts out, which needs a reason a reviewer can read (say, the site's
// written permission).
type RobotsSpec struct {
	Ignore bool   `yaml:"ignore"`
	Reason string `yaml:"reason"`
}

// IsEnabled reports whether the source is crawled by default.
func (s *Source) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// Path is the file the source was read from.
func (s *Source) Path() string { return s.file }

// Location is the source's time zone.
func (s *Source) Location() *time.Location { return s.loc }

// Extractor reads the pages of one source; a Kind builds it. It is pure:
// the crawler fetches, publishes and keeps state around it.
type Extractor interface {
	// Start returns the first pages of a pass.
	Start() []string
	// Extract reads one fetched page.
	Extract(p *Page, env Env) Result
}

// Env is what an extractor may know besides the page.
type Env struct {
	// Now is the crawler's clock at fetch time: relative dates count from
	// it.
	Now time.Time
}

// Result is what an extractor found on a page.
type Result struct {
	// Ads are the items on the page; the crawler fills in id, source,
	// fetch time, and seals them.
	Ads []*ad.Raw
	// Next are further list pages (pagination), Items pages of single ads.
	Next, Items []string
	// Problems are logged and counted; they did not stop the page.
	Problems []Problem
	// Err means the page could not be read at all.
	Err error
}

// Kind builds the extractor of a source of one kind, checking the
// kind's own settings. Errors are *SourceError naming the key.
type Kind func(s *Source) (Extractor, error)

// Kinds returns the source kinds by name.
func Kinds() map[string]Kind {
	return map[string]Kind{
		"html":     newHTML,
		"telegram": newTelegram,
		"feed":     newFeed,
		"json":     newJSONAPI,
		"file":     newFile,
	}
}

// sections names each kind's own section keys; a section of another kind
// is an error, since it would be silently ignored.
var kindSections = map[string][]string{
	"html": {"list", "item"}, "telegram": {"telegram"}, "feed": {"feed"}, "json": {"json"}, "file": {"file"},
}

// SourceError is a mistake in a source file, with the file, the line and
// the key it is about.
type SourceError = config.Error

func fieldErr(key, format string, args ...any) *SourceError {
	return &SourceError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// ParseSource reads one source file's YAML strictly: an unknown key, a
// value of the wrong type or a setting that cannot work is an error naming
// the file, the line and the key.
func ParseSource(file string, data []byte) (*Source, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &SourceError{File: file, Msg: "the file is empty"}
	}
	s := &Source{file: file}
	lines, err := config.DecodeLines(file, data, s)
	if err != nil {
		return nil, err
	}
	s.lines = lines
	if err := s.prepare(); err != nil {
		var se *SourceError
		if !errors.As(err, &se) {
			se = &SourceError{Msg: err.Error()}
		}
		se.File = file
		se.Line = s.lines.Of(se.Key)
		return nil, se
	}
	return s, nil
}

// prepare fills defaults, checks the common fields and builds the kind's
// extractor.
func (s *Source) prepare() error {
	if s.Kind == "" {
		s.Kind = "html"
	}
	if s.Interval == 0 {
		s.Interval = time.Hour
	}
	if s.MaxPages == 0 {
		s.MaxPages = 20
	}
	switch {
	case s.Name == "":
		return fieldErr("name", "is required")
	case strings.ContainsAny(s.Name, " /\\\x00"):
		return fieldErr("name", "%q must not contain spaces or slashes", s.Name)
	case s.Interval < time.Second:
		return fieldErr("interval", "must be at least 1s")
	case s.MaxPages < 1:
		return fieldErr("max_pages", "must be at least 1")
	case s.Delay != nil && *s.Delay < 0:
		return fieldErr("delay", "must not be negative")
	case s.Robots.Ignore && strings.TrimSpace(s.Robots.Reason) == "":
		return fieldErr("robots.reason", "is required when robots.ignore is true: say why this site's robots.txt may be ignored")
	case !s.Robots.Ignore && s.Robots.Reason != "":
		return fieldErr("robots.reason", "is set but robots.ignore is false")
	}
	s.loc = time.UTC
	if s.Timezone != "" {
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil {
			return fieldErr("timezone", "%q is not an IANA time zone such as Asia/Phnom_Penh", s.Timezone)
		}
		s.loc = loc
	}
	if s.Charset != "" {
		if e, _ := lookupCharset(s.Charset); e == nil {
			return fieldErr("charset", "%q is not a known charset", s.Charset)
		}
	}
	for i, u := range s.StartURLs {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return fieldErr(fmt.Sprintf("start_urls[%d]", i), "%q is not an http(s) URL", u)
		}
	}
	kinds := Kinds()
	kind, ok := kinds[s.Kind]
	if !ok {
		names := make([]string, 0, len(kinds))
		for n := range kinds {
			names = append(names, n)
		}
		sort.Strings(names)
		return fieldErr("kind", "%q is not a known kind (%s)", s.Kind, strings.Join(names, ", "))
	}
	for k, sections := range kindSections {
		if k == s.Kind {
			continue
		}
		for _, sec := range sections {
			if _, set := s.lines[sec]; set {
				return fieldErr(sec, "belongs to kind %s, but this source is kind %s", k, s.Kind)
			}
		}
	}
	ext, err := kind(s)
	if err != nil {
		return err
	}
	s.ext = ext
	return nil
}

// LoadSources reads every *.yaml file in dir, sorted by name. Two sources
// with one name are an error.
func LoadSources(dir string) ([]*Source, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []*Source
	names := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s, err := ParseSource(f, data)
		if err != nil {
			return nil, err
		}
		if prev, dup := names[s.Name]; dup {
			return nil, &SourceError{File: f, Line: s.lines.Of("name"), Key: "name", Msg: fmt.Sprintf("%q is already the name of %s", s.Name, prev)}
		}
		names[s.Name] = f
		out = append(out, s)
	}
	return out, nil
}
