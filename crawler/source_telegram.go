package crawler

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// TelegramSpec names a public Telegram channel, read through its web
// preview at <base_url>/s/<channel>.
type TelegramSpec struct {
	// Channel is the channel's public username, without the @.
	Channel string `yaml:"channel"`
	// BaseURL is https://t.me unless a test or the demo serves a copy.
	BaseURL string `yaml:"base_url"`
}

var channelName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{3,63}$`)

// telegramSource is the telegram kind. Each post becomes an ad: its id
// (channel/number), date, text, views, links and the channel it was
// forwarded from. Paging walks back through older posts with ?before=.
type telegramSource struct {
	s    *Source
	base string
}

func newTelegram(s *Source) (Extractor, error) {
	t := s.Telegram
	switch {
	case t == nil:
		return nil, fieldErr("telegram", "is required for kind telegram: set telegram.channel")
	case len(s.StartURLs) > 0:
		return nil, fieldErr("start_urls", "is not used by kind telegram: set telegram.channel (and telegram.base_url)")
	case !channelName.MatchString(strings.TrimPrefix(t.Channel, "@")):
		return nil, fieldErr("telegram.channel", "%q is not a channel username (letters, digits, _; 4 to 64 long)", t.Channel)
	}
	t.Channel = strings.TrimPrefix(t.Channel, "@")
	base := strings.TrimRight(t.BaseURL, "/")
	if base == "" {
		base = "https://t.me"
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fieldErr("telegram.base_url", "%q is not an http(s) URL", t.BaseURL)
	}
	if s.Platform == "" {
		s.Platform = "telegram"
	}
	return &telegramSource{s: s, base: base}, nil
}

func (t *telegramSource) Start() []string {
	return []string{t.base + "/s/" + t.s.Telegram.Channel}
}

func (t *telegramSource) Extract(p *Page, env Env) Result {
	var res Result
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(p.Body))
	if err != nil {
		res.Err = err
		return res
	}
	posts := doc.Find(".tgme_widget_message[data-post]")
	if posts.Length() == 0 {
		if doc.Find(".tgme_channel_history").Length() == 0 {
			res.Problems = append(res.Problems, problemf(ReasonSelector,
				"no .tgme_widget_message posts and no .tgme_channel_history: not a channel preview (is the channel public, with its preview enabled?)"))
		}
		return res
	}
	// A page asked for with ?before=N holds older posts only; a server that
	// ignores the parameter would otherwise page forever.
	before := int64(-1)
	if u, err := url.Parse(p.URL); err == nil {
		if b, err := strconv.ParseInt(u.Query().Get("before"), 10, 64); err == nil {
			before = b
		}
	}
	minID := int64(-1)
	empty := 0
	var t2 tally
	posts.Each(func(_ int, post *goquery.Selection) {
		dataPost, _ := post.Attr("data-post")
		n, ok := postNumber(dataPost)
		if before > 0 && (!ok || n >= before) {
			return
		}
		if ok && (minID < 0 || n < minID) {
			minID = n
		}
		if post.HasClass("service_message") {
			return // "channel created", "message pinned": not posts
		}
		r, ok := t.post(post, dataPost, env, &t2, &res.Problems)
		if !ok {
			empty++
			return
		}
		res.Ads = append(res.Ads, r)
	})
	if empty > 0 {
		res.Problems = append(res.Problems, problemf(ReasonEmpty, "%d posts have no text (media only); not sent", empty))
	}
	if pr, ok := t2.problem(); ok {
		res.Problems = append(res.Problems, pr)
	}
	if minID > 1 {
		res.Next = append(res.Next, fmt.Sprintf("%s/s/%s?before=%d", t.base, t.s.Telegram.Channel, minID))
	}
	return res
}

// post reads one post; ok is false when it has no text.
func (t *telegramSource) post(post *goquery.Selection, dataPost string, env Env, tl *tally, probs *[]Problem) (*ad.Raw, bool) {
	tl.items++
	// A reply quotes the post it answers in its own message_text; skip it.
	text := post.Find(".tgme_widget_message_text").Not(".tgme_widget_message_reply .tgme_widget_message_text").First()
	if text.Length() == 0 {
		return nil, false
	}
	r := &ad.Raw{PostID: dataPost, Body: nodeText(text.Nodes[0])}
	if r.Body == "" {
		return nil, false
	}
	r.URL = t.base + "/" + dataPost
	if href, ok := post.Find("a.tgme_widget_message_date").Attr("href"); ok {
		if u := resolve(t.base+"/", href); u != "" {
			r.URL = u
		}
	}
	if dt, ok := post.Find(".tgme_widget_message_date time[datetime], time[datetime]").First().Attr("datetime"); ok {
		setPosted(r, dt, t.s, env, probs)
	} else {
		tl.miss("date")
	}
	author := strings.TrimSpace(post.Find(".tgme_widget_message_from_author").First().Text())
	if author == "" {
		author = strings.TrimSpace(post.Find(".tgme_widget_message_owner_name").First().Text())
	}
	r.Author = author
	if v := strings.TrimSpace(post.Find(".tgme_widget_message_views").First().Text()); v != "" {
		setMeta(r, "views", v)
		if n, ok := parseCount(v); ok {
			setMeta(r, "views_count", strconv.FormatInt(n, 10))
		}
	}
	if fw := post.Find(".tgme_widget_message_forwarded_from_name").First(); fw.Length() > 0 {
		setMeta(r, "forwarded_from", strings.TrimSpace(fw.Text()))
		if href, ok := fw.Attr("href"); ok {
			setMeta(r, "forwarded_from_url", href)
		}
	}
	seen := map[string]bool{}
	text.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		href = strings.TrimSpace(href)
		if href == "" || seen[href] || strings.HasPrefix(href, "javascript:") || strings.HasPrefix(href, "#") {
			return
		}
		seen[href] = true
		r.Contacts = append(r.Contacts, href)
	})
	return r, true
}

// postNumber reads the message number of "channel/123".
func postNumber(dataPost string) (int64, bool) {
	_, num, ok := strings.Cut(dataPost, "/")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil && n > 0
}

// parseCount reads Telegram's view counts: "987", "1.2K", "3.4M".
func parseCount(s string) (int64, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1e3, s[:len(s)-1]
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, s[:len(s)-1]
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return int64(f*mult + 0.5), true
}
