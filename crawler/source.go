package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/lurewatch/lurewatch/pkg/ad"
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
	lines map[string]int // key path -> line, for errors
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
type SourceError struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *SourceError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func fieldErr(key, format string, args ...any) *SourceError {
	return &SourceError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// ParseSource reads one source file's YAML strictly: an unknown key, a
// value of the wrong type or a setting that cannot work is an error naming
// the file, the line and the key.
func ParseSource(file string, data []byte) (*Source, error) {
	s := &Source{file: file, lines: map[string]int{}}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &SourceError{File: file, Msg: "the file is empty"}
		}
		se := &SourceError{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(se.Msg); m != nil {
			se.Line, _ = strconv.Atoi(m[1])
			se.Msg = m[2]
		}
		return nil, se
	}
	if err := decodeStrict("", doc.Content[0], reflect.ValueOf(s).Elem(), s.lines); err != nil {
		err.File = file
		return nil, err
	}
	if err := s.prepare(); err != nil {
		var se *SourceError
		if !errors.As(err, &se) {
			se = &SourceError{Msg: err.Error()}
		}
		se.File = file
		se.Line = s.lineOf(se.Key)
		return nil, se
	}
	return s, nil
}

// lineOf finds the line of key, or of its nearest parent that has one.
func (s *Source) lineOf(key string) int {
	for k := key; k != ""; {
		if l, ok := s.lines[k]; ok {
			return l
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
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
			return nil, &SourceError{File: f, Line: s.lineOf("name"), Key: "name", Msg: fmt.Sprintf("%q is already the name of %s", s.Name, prev)}
		}
		names[s.Name] = f
		out = append(out, s)
	}
	return out, nil
}

// decodeStrict decodes n into v, refusing unknown keys and recording the
// line of every key it sets.
func decodeStrict(path string, n *yaml.Node, v reflect.Value, lines map[string]int) *SourceError {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct {
		if n.Tag == "!!null" {
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		if n.Kind != yaml.MappingNode {
			return &SourceError{Line: n.Line, Key: path, Msg: "expected a mapping of keys"}
		}
		t := v.Type()
		fields := map[string]int{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); f.IsExported() && name != "" && name != "-" {
				fields[name] = i
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			idx, ok := fields[k.Value]
			if !ok {
				return &SourceError{Line: k.Line, Key: p, Msg: "unknown key" + knownKeys(k.Value, fields)}
			}
			if _, dup := lines[p]; dup {
				return &SourceError{Line: k.Line, Key: p, Msg: "is set twice"}
			}
			lines[p] = k.Line
			if err := decodeStrict(p, val, v.Field(idx), lines); err != nil {
				return err
			}
		}
		return nil
	}
	if v.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode {
		for i, item := range n.Content {
			lines[fmt.Sprintf("%s[%d]", path, i)] = item.Line
		}
	}
	target := reflect.New(v.Type())
	if err := n.Decode(target.Interface()); err != nil {
		return &SourceError{Line: n.Line, Key: path, Msg: typeMsg(n, v.Type())}
	}
	v.Set(target.Elem())
	return nil
}

func typeMsg(n *yaml.Node, t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := t.Kind().String()
	switch {
	case t == reflect.TypeOf(time.Duration(0)):
		want = "a duration such as 30s, 15m or 6h"
	case t.Kind() == reflect.Slice:
		want = "a list"
	case t.Kind() == reflect.Map:
		want = "a mapping"
	case t.Kind() == reflect.Bool:
		want = "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		want = "a whole number"
	}
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%q is not %s", n.Value, want)
	}
	return "expected " + want
}

func knownKeys(key string, fields map[string]int) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if editDistance(key, n) <= 2 {
			return fmt.Sprintf(" (did you mean %q?)", n)
		}
	}
	return " (known keys: " + strings.Join(names, ", ") + ")"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
