package crawler

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// selector is a CSS selector compiled once per source, optionally ending
// in @attr to read an attribute instead of the text: "a.contact@href",
// "time@datetime". "@data-id" alone reads the item element's own attribute.
// It runs cascadia (goquery's selector engine) straight on the parsed
// nodes: on a list page of sixty ads that is most of the extraction work.
type selector struct {
	src  string
	m    cascadia.Selector // nil: the element itself
	attr string
}

var attrSuffix = regexp.MustCompile(`@([A-Za-z_:][-A-Za-z0-9_:.]*)$`)

// compileSelector compiles src for the key it came from; "" gives nil.
func compileSelector(key, src string) (*selector, error) {
	src = strings.TrimSpace(src)
	if src == "" {
		return nil, nil
	}
	s := &selector{src: src}
	css := src
	if m := attrSuffix.FindStringSubmatchIndex(src); m != nil && !strings.ContainsAny(src[m[0]:], `]"'`) {
		s.attr = src[m[2]:m[3]]
		css = strings.TrimSpace(src[:m[0]])
	}
	if css != "" {
		sel, err := cascadia.Compile(css)
		if err != nil {
			return nil, fieldErr(key, "%q is not a valid CSS selector: %v", src, err)
		}
		s.m = sel
	}
	return s, nil
}

// nodes returns the elements the selector picks under n, in document
// order.
func (s *selector) nodes(n *html.Node) []*html.Node {
	if s.m == nil {
		return []*html.Node{n}
	}
	return cascadia.QueryAll(n, s.m)
}

// first returns the text (or attribute) of the first match, and whether
// anything matched.
func (s *selector) first(n *html.Node) (string, bool) {
	hit := n
	if s.m != nil {
		if hit = cascadia.Query(n, s.m); hit == nil {
			return "", false
		}
	}
	if s.attr != "" {
		v, ok := attrOf(hit, s.attr)
		return strings.TrimSpace(v), ok
	}
	return nodeText(hit), true
}

// all returns the text (or attribute) of every match.
func (s *selector) all(n *html.Node) []string {
	var out []string
	for _, hit := range s.nodes(n) {
		v := ""
		if s.attr != "" {
			v, _ = attrOf(hit, s.attr)
		} else {
			v = nodeText(hit)
		}
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func attrOf(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// blockTags end a line of text before and after them.
var blockTags = map[string]bool{
	"p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "table": true, "section": true,
	"article": true, "header": true, "footer": true, "blockquote": true, "pre": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "dd": true, "dt": true, "dl": true, "hr": true,
}

// nodeText is the readable text of n: line breaks where the page breaks
// lines (br, paragraphs, list items), runs of spaces collapsed, and no
// script or style.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "template", "head":
				return
			case "br":
				b.WriteByte('\n')
				return
			}
		}
		block := n.Type == html.ElementNode && blockTags[n.Data]
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	walk(n)
	return tidyText(b.String())
}

// tidyText collapses spaces within lines, trims each line and keeps at
// most one blank line in a row, in one pass (it runs on every field of
// every ad).
func tidyText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newlines, started := false, 0, false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case r == '\n':
			if started {
				newlines++
			}
			space = false
		case r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f' || r >= utf8.RuneSelf && unicode.IsSpace(r):
			if started && newlines == 0 {
				space = true
			}
		default:
			switch {
			case newlines > 1:
				b.WriteString("\n\n")
			case newlines == 1:
				b.WriteByte('\n')
			case space:
				b.WriteByte(' ')
			}
			space, newlines, started = false, 0, true
			b.WriteString(s[i-size : i])
		}
	}
	return b.String()
}

// htmlText converts an HTML fragment (a feed's description, a JSON API's
// body) to text; plain text passes through tidied.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidyText(s)
	}
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return tidyText(s)
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return nodeText(root)
}

// FieldMap says where each field of an ad is in a record: a dotted path
// into a JSON object ("company.name", "tags.0", "contacts.*.value"), or a
// column name of a CSV file.
type FieldMap struct {
	ID       string `yaml:"id"`
	URL      string `yaml:"url"`
	Title    string `yaml:"title"`
	Body     string `yaml:"body"`
	Company  string `yaml:"company"`
	Location string `yaml:"location"`
	Salary   string `yaml:"salary"`
	Posted   string `yaml:"posted"`
	Author   string `yaml:"author"`
	Contacts string `yaml:"contacts"`
	Lang     string `yaml:"lang"`
	// Meta keeps further fields under ad.Meta, by name.
	Meta map[string]string `yaml:"meta"`
	// Present records under ad.Meta, by name, whether a path holds
	// anything: "true" or "false" (has_company_logo: company.logo_url).
	Present map[string]string `yaml:"present"`
}

func (f *FieldMap) check(key string) error {
	if f.Title == "" && f.Body == "" {
		return fieldErr(key, "map at least title or body")
	}
	return nil
}

// record is one item of a JSON API or an import file, read by path.
type record func(path string) ([]string, bool)

// tally counts the configured fields that items of one page lacked, for
// one log line a page rather than one an item.
type tally struct {
	items   int
	missing map[string]int
}

func (t *tally) miss(field string) {
	if t.missing == nil {
		t.missing = map[string]int{}
	}
	t.missing[field]++
}

// problem summarises the tally; ok is false when nothing was missing.
func (t *tally) problem() (Problem, bool) {
	if len(t.missing) == 0 {
		return Problem{}, false
	}
	names := make([]string, 0, len(t.missing))
	for n := range t.missing {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s (%d)", n, t.missing[n])
	}
	return problemf(ReasonMissingField, "of %d items, some lack configured fields: %s", t.items, strings.Join(parts, ", ")), true
}

// fromRecord maps one record to an ad.
func fromRecord(get record, fm *FieldMap, s *Source, env Env, t *tally, probs *[]Problem) *ad.Raw {
	t.items++
	one := func(name, path string, asHTML bool) string {
		if path == "" {
			return ""
		}
		vs, ok := get(path)
		if !ok || len(vs) == 0 {
			t.miss(name)
			return ""
		}
		v := strings.Join(vs, "\n")
		if asHTML {
			return htmlText(v)
		}
		return strings.TrimSpace(v)
	}
	r := &ad.Raw{
		PostID: one("id", fm.ID, false), URL: one("url", fm.URL, false),
		Title: one("title", fm.Title, true), Body: one("body", fm.Body, true),
		Company: one("company", fm.Company, true), Location: one("location", fm.Location, true),
		Salary: one("salary", fm.Salary, true), Author: one("author", fm.Author, false),
		Lang: one("lang", fm.Lang, false),
	}
	if fm.Contacts != "" {
		if vs, ok := get(fm.Contacts); ok {
			for _, v := range vs {
				if v = strings.TrimSpace(v); v != "" {
					r.Contacts = append(r.Contacts, v)
				}
			}
		} else {
			t.miss("contacts")
		}
	}
	if posted := one("posted", fm.Posted, false); posted != "" {
		setPosted(r, posted, s, env, probs)
	}
	for name, path := range fm.Meta {
		if vs, ok := get(path); ok {
			setMeta(r, name, strings.Join(vs, ", "))
		}
	}
	for name, path := range fm.Present {
		vs, _ := get(path)
		found := false
		for _, v := range vs {
			found = found || strings.TrimSpace(v) != ""
		}
		setMeta(r, name, strconv.FormatBool(found))
	}
	return r
}

// setPosted reads the posted date; one that cannot be read is kept as
// text in meta.posted_text and reported.
func setPosted(r *ad.Raw, text string, s *Source, env Env, probs *[]Problem) {
	if t, ok := parseDate(text, s.loc, env.Now); ok {
		r.PostedAt = t.UTC()
		return
	}
	setMeta(r, "posted_text", text)
	*probs = append(*probs, problemf(ReasonBadDate, "cannot read the posted date %q", clip(text, 60)))
}

func setMeta(r *ad.Raw, k, v string) {
	if v == "" {
		return
	}
	if r.Meta == nil {
		r.Meta = map[string]string{}
	}
	if len(r.Meta) >= ad.MaxMetaEntries {
		return
	}
	r.Meta[k] = clip(v, ad.MaxMetaValueSize)
}

// clip cuts s to at most n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// jsonPath looks a dotted path up in a decoded JSON value (decoded with
// UseNumber). A "*" fans out over an array. Strings, numbers and booleans
// come back as text; an array of them as several.
func jsonPath(v any, path string) ([]string, bool) {
	vals := []any{v}
	for _, part := range strings.Split(path, ".") {
		var next []any
		for _, cur := range vals {
			switch c := cur.(type) {
			case map[string]any:
				if x, ok := c[part]; ok && x != nil {
					next = append(next, x)
				}
			case []any:
				if part == "*" {
					next = append(next, c...)
				} else if i, err := strconv.Atoi(part); err == nil && i >= 0 && i < len(c) {
					next = append(next, c[i])
				}
			}
		}
		vals = next
		if len(vals) == 0 {
			return nil, false
		}
	}
	var out []string
	var add func(any)
	add = func(x any) {
		switch x := x.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case bool:
			out = append(out, strconv.FormatBool(x))
		case []any:
			for _, e := range x {
				add(e)
			}
		}
	}
	for _, x := range vals {
		add(x)
	}
	return out, len(out) > 0
}
