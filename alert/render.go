package alert

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// renderer builds the subject and bodies of a notification in the
// receiver's language from the templates in templates/. The ads' text is
// hostile: the HTML template escapes it, and the chat template neutralises
// markup and mentions.
type renderer struct {
	text *template.Template
	chat *template.Template
	html *htmltemplate.Template
}

// Message is a rendered notification.
type Message struct {
	Subject string
	Text    string
	HTML    string
}

func newRenderer() (*renderer, error) {
	// Functions are bound per message (language, zone); these stand-ins let
	// the templates parse once.
	fm := funcs("en", time.UTC, "slack")
	text, err := template.New("text.tmpl").Funcs(fm).ParseFS(templateFS, "templates/text.tmpl")
	if err != nil {
		return nil, fmt.Errorf("alert templates: %w", err)
	}
	chat, err := template.New("chat.tmpl").Funcs(fm).ParseFS(templateFS, "templates/chat.tmpl")
	if err != nil {
		return nil, fmt.Errorf("alert templates: %w", err)
	}
	html, err := htmltemplate.New("html.tmpl").Funcs(htmltemplate.FuncMap(fm)).ParseFS(templateFS, "templates/html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("alert templates: %w", err)
	}
	return &renderer{text: text, chat: chat, html: html}, nil
}

// messageView is what the templates see.
type messageView struct {
	Lang     string
	Subject  string
	Receiver string
	Route    string
	Group    string
	Digest   string
	Created  time.Time
	Count    int
	New      []Item
	Threads  []threadView
}

// threadView is an earlier alert and the reposts folded into it.
type threadView struct {
	ID     string
	Title  string
	Link   string
	Shared []string
	Items  []Item
}

func (r *renderer) view(n *Notification, rc *Receiver) *messageView {
	lang := langOf(rc.Language)
	v := &messageView{Lang: lang, Receiver: n.Receiver, Route: n.Route, Group: n.Group, Digest: n.Digest, Created: n.Created, Count: len(n.Items)}
	byThread := map[string]*threadView{}
	var order []string
	for _, it := range n.Items {
		if it.Thread == "" {
			v.New = append(v.New, it)
			continue
		}
		tv := byThread[it.Thread]
		if tv == nil {
			tv = &threadView{ID: it.Thread, Title: it.ThreadTitle, Link: it.ThreadLink}
			byThread[it.Thread] = tv
			order = append(order, it.Thread)
		}
		tv.Items = append(tv.Items, it)
		shared := tr(lang, "shared_text")
		if it.Shared != "text" {
			shared = tr(lang, "shared_contact", it.Shared)
		}
		if !slices.Contains(tv.Shared, shared) {
			tv.Shared = append(tv.Shared, shared)
		}
	}
	for _, id := range order {
		v.Threads = append(v.Threads, *byThread[id])
	}
	switch {
	case n.Digest != "":
		v.Subject = tr(lang, "subject_"+n.Digest, len(n.Items))
	case len(v.New) == 0:
		v.Subject = tr(lang, "subject_reposts", len(n.Items))
	default:
		v.Subject = tr(lang, "subject_new", len(v.New))
	}
	v.Subject = "[lurewatch] " + v.Subject
	return v
}

// render builds the subject, plain text and HTML of n for rc.
func (r *renderer) render(n *Notification, rc *Receiver) (*Message, error) {
	v := r.view(n, rc)
	fm := funcs(v.Lang, rc.Location(), "")
	var text, html bytes.Buffer
	t, err := r.text.Clone()
	if err != nil {
		return nil, err
	}
	if err := t.Funcs(fm).Execute(&text, v); err != nil {
		return nil, failure(ReasonRender, fmt.Errorf("text template: %w", err))
	}
	h, err := r.html.Clone()
	if err != nil {
		return nil, err
	}
	if err := h.Funcs(htmltemplate.FuncMap(fm)).Execute(&html, v); err != nil {
		return nil, failure(ReasonRender, fmt.Errorf("html template: %w", err))
	}
	return &Message{Subject: v.Subject, Text: text.String(), HTML: html.String()}, nil
}

// renderChat builds a chat message in Slack's (flavor "slack") or
// Mattermost's ("mattermost") markup.
func (r *renderer) renderChat(n *Notification, rc *Receiver, flavor string) (string, error) {
	v := r.view(n, rc)
	t, err := r.chat.Clone()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Funcs(funcs(v.Lang, rc.Location(), flavor)).Execute(&b, v); err != nil {
		return "", failure(ReasonRender, fmt.Errorf("chat template: %w", err))
	}
	return b.String(), nil
}

func funcs(lang string, loc *time.Location, flavor string) template.FuncMap {
	return template.FuncMap{
		"t":     func(k string, args ...any) string { return tr(lang, k, args...) },
		"lvl":   func(l ad.Level) string { return tr(lang, string(l)) },
		"upper": strings.ToUpper,
		"join":  strings.Join,
		"when":  func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04 MST") },
		"color": levelColor,
		"esc":   chatEscape,
		"link": func(url, text string) string {
			if flavor == "mattermost" {
				return "[" + strings.NewReplacer("[", "(", "]", ")").Replace(chatEscape(text)) + "](" + strings.ReplaceAll(url, ")", "%29") + ")"
			}
			return "<" + strings.NewReplacer("|", "%7C", ">", "%3E").Replace(url) + "|" + chatEscape(text) + ">"
		},
	}
}

// chatEscape keeps crawled text from becoming markup in a chat message:
// no links, no channel-wide or personal mentions.
func chatEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "@", "@\u200b").Replace(s)
}

func levelColor(l ad.Level) string {
	switch l {
	case ad.LevelCritical:
		return "#b00020"
	case ad.LevelHigh:
		return "#e65100"
	case ad.LevelMedium:
		return "#f9a825"
	}
	return "#888888"
}

// langOf picks the templates' language for a receiver's language tag.
func langOf(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	if base == "fil" {
		base = "tl"
	}
	if _, ok := catalog[base]; ok {
		return base
	}
	return "en"
}

// Languages lists the languages the templates are written in.
func Languages() []string {
	return slices.Sorted(maps.Keys(catalog))
}

// tr looks a word up in lang, falling back to English. A count of one
// picks the key's "_one" form where the language has one.
func tr(lang, k string, args ...any) string {
	if len(args) == 1 && args[0] == 1 {
		if s, ok := catalog[lang][k+"_one"]; ok {
			return fmt.Sprintf(s, args...)
		}
	}
	s, ok := catalog[lang][k]
	if !ok {
		s, ok = catalog["en"][k]
	}
	if !ok {
		return k
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
