package crawler

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// FeedSpec tunes the feed kind; a feed needs nothing but its URL in
// start_urls.
type FeedSpec struct {
	// FollowNext follows the feed's rel="next" link (RFC 5005 paging).
	FollowNext bool `yaml:"follow_next"`
}

// feedSource is the feed kind: RSS 2.0 and Atom 1.0 feeds, which many
// boards and page mirrors publish. Each item or entry becomes an ad.
type feedSource struct {
	s *Source
}

func newFeed(s *Source) (Extractor, error) {
	if len(s.StartURLs) == 0 {
		return nil, fieldErr("start_urls", "at least one feed URL is required")
	}
	if s.Feed == nil {
		s.Feed = &FeedSpec{}
	}
	if s.Platform == "" {
		s.Platform = "feed"
	}
	return &feedSource{s: s}, nil
}

func (f *feedSource) Start() []string { return f.s.StartURLs }

const atomNS = "http://www.w3.org/2005/Atom"

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

type rssDoc struct {
	Channel struct {
		Links []atomLink `xml:"http://www.w3.org/2005/Atom link"`
		Items []rssItem  `xml:"item"`
	} `xml:"channel"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        string   `xml:"guid"`
	Description string   `xml:"description"`
	Content     string   `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	PubDate     string   `xml:"pubDate"`
	DCDate      string   `xml:"http://purl.org/dc/elements/1.1/ date"`
	Author      string   `xml:"author"`
	Creator     string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
	Categories  []string `xml:"category"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Text  string `xml:",chardata"`
	Inner string `xml:",innerxml"`
}

// text is the readable text of an Atom text construct: type text, html
// (escaped markup) or xhtml (inline markup).
func (t atomText) text() string {
	switch t.Type {
	case "html":
		return htmlText(t.Text)
	case "xhtml":
		return htmlText(t.Inner)
	}
	return tidyText(t.Text)
}

type atomDoc struct {
	Links   []atomLink `xml:"link"`
	Entries []struct {
		ID        string     `xml:"id"`
		Title     atomText   `xml:"title"`
		Summary   atomText   `xml:"summary"`
		Content   atomText   `xml:"content"`
		Published string     `xml:"published"`
		Updated   string     `xml:"updated"`
		Links     []atomLink `xml:"link"`
		Authors   []struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

func (f *feedSource) Extract(p *Page, env Env) Result {
	var res Result
	dec := xml.NewDecoder(bytes.NewReader(p.Body))
	// The body is UTF-8 already, whatever its declaration still says.
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	dec.Strict = false
	root, err := firstElement(dec)
	if err != nil {
		res.Err = fmt.Errorf("%w: not an RSS or Atom feed: %v", errParse, err)
		return res
	}
	var t tally
	switch {
	case root.Name.Local == "rss":
		var doc rssDoc
		if err := dec.DecodeElement(&doc, &root); err != nil {
			res.Err = fmt.Errorf("%w: RSS feed: %v", errParse, err)
			return res
		}
		for _, it := range doc.Channel.Items {
			t.items++
			r := &ad.Raw{
				Title: htmlText(it.Title), Body: htmlText(it.Description), URL: resolve(p.URL, it.Link),
				PostID: strings.TrimSpace(it.GUID), Author: strings.TrimSpace(it.Author),
			}
			if it.Content != "" && len(it.Content) > len(it.Description) {
				r.Body = htmlText(it.Content)
			}
			if it.Creator != "" {
				r.Author = strings.TrimSpace(it.Creator)
			}
			date := it.PubDate
			if date == "" {
				date = it.DCDate
			}
			if date != "" {
				setPosted(r, date, f.s, env, &res.Problems)
			} else {
				t.miss("pubDate")
			}
			if len(it.Categories) > 0 {
				setMeta(r, "categories", strings.Join(it.Categories, ", "))
			}
			res.Ads = append(res.Ads, r)
		}
		res.Next = f.next(p.URL, doc.Channel.Links)
	case root.Name.Local == "feed" && root.Name.Space == atomNS:
		var doc atomDoc
		if err := dec.DecodeElement(&doc, &root); err != nil {
			res.Err = fmt.Errorf("%w: Atom feed: %v", errParse, err)
			return res
		}
		for _, e := range doc.Entries {
			t.items++
			r := &ad.Raw{Title: e.Title.text(), Body: e.Content.text(), PostID: strings.TrimSpace(e.ID)}
			if r.Body == "" {
				r.Body = e.Summary.text()
			}
			for _, l := range e.Links {
				if l.Rel == "" || l.Rel == "alternate" {
					r.URL = resolve(p.URL, l.Href)
					break
				}
			}
			if len(e.Authors) > 0 {
				r.Author = strings.TrimSpace(e.Authors[0].Name)
			}
			date := e.Published
			if date == "" {
				date = e.Updated
			}
			if date != "" {
				setPosted(r, date, f.s, env, &res.Problems)
			} else {
				t.miss("published")
			}
			var cats []string
			for _, c := range e.Categories {
				cats = append(cats, c.Term)
			}
			if len(cats) > 0 {
				setMeta(r, "categories", strings.Join(cats, ", "))
			}
			res.Ads = append(res.Ads, r)
		}
		res.Next = f.next(p.URL, doc.Links)
	default:
		res.Err = fmt.Errorf("%w: root element <%s> is neither RSS 2.0 <rss> nor Atom <feed>", errParse, root.Name.Local)
		return res
	}
	if len(res.Ads) == 0 {
		res.Problems = append(res.Problems, problemf(ReasonSelector, "the feed has no items"))
	}
	if pr, ok := t.problem(); ok {
		res.Problems = append(res.Problems, pr)
	}
	return res
}

func (f *feedSource) next(base string, links []atomLink) []string {
	if !f.s.Feed.FollowNext {
		return nil
	}
	for _, l := range links {
		if l.Rel == "next" {
			if u := resolve(base, l.Href); u != "" {
				return []string{u}
			}
		}
	}
	return nil
}

// firstElement returns the document's root element.
func firstElement(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se, nil
		}
	}
}
