package crawler

import (
	"bytes"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// ListSpec finds the ads on an html list page: either links to item
// pages, or the items themselves when the whole ad is on the list page.
type ListSpec struct {
	// ItemLinks selects links to item pages (their href, or @attr).
	ItemLinks string `yaml:"item_links"`
	// Items selects ads written out on the list page itself.
	Items string `yaml:"items"`
	// NextPage selects the link to the next list page.
	NextPage string `yaml:"next_page"`
}

// ItemSpec holds the CSS selectors of an ad's fields, relative to the item
// page or the list item. A selector may end in @attr to read an attribute:
// "time@datetime", "a.apply@href"; "@data-id" alone reads the item
// element's own attribute.
type ItemSpec struct {
	// ID selects the site's own id of the ad, which keeps the ad's id
	// stable when its URL changes.
	ID       string `yaml:"id"`
	URL      string `yaml:"url"`
	Title    string `yaml:"title"`
	Body     string `yaml:"body"`
	Company  string `yaml:"company"`
	Location string `yaml:"location"`
	Salary   string `yaml:"salary"`
	// Posted is the date posted, absolute or relative ("2 hours ago").
	Posted string `yaml:"posted"`
	// Contact selects every contact (phone, handle, link) of the ad.
	Contact string `yaml:"contact"`
	Author  string `yaml:"author"`
	// Meta keeps further fields under ad.Meta, by name.
	Meta map[string]string `yaml:"meta"`
	// Present records under ad.Meta, by name, whether a selector finds
	// anything in the ad: "true" or "false". What a listing lacks can be
	// evidence too: a board's listing without the employer's logo
	// (has_company_logo: img.company-logo@src) is one of the fraud rules'.
	Present map[string]string `yaml:"present"`
}

// htmlSource is the html kind: job boards and classifieds, read with CSS
// selectors.
type htmlSource struct {
	s                       *Source
	itemLinks, items, next  *selector
	id, url, title, body    *selector
	company, location, paid *selector
	posted, contact, author *selector
	meta, present           []namedSelector
}

// namedSelector is a selector for a meta entry.
type namedSelector struct {
	name string
	sel  *selector
}

func newHTML(s *Source) (Extractor, error) {
	switch {
	case len(s.StartURLs) == 0:
		return nil, fieldErr("start_urls", "at least one is required")
	case s.List == nil:
		return nil, fieldErr("list", "is required for kind html: set list.item_links or list.items")
	case s.List.ItemLinks == "" && s.List.Items == "":
		return nil, fieldErr("list", "set item_links (ads on their own pages) or items (ads on the list page)")
	case s.List.ItemLinks != "" && s.List.Items != "":
		return nil, fieldErr("list.items", "set item_links or items, not both")
	case s.Item == nil || s.Item.Title == "" && s.Item.Body == "":
		return nil, fieldErr("item", "set at least item.title or item.body")
	}
	h := &htmlSource{s: s}
	for _, f := range []struct {
		key string
		src string
		dst **selector
	}{
		{"list.item_links", s.List.ItemLinks, &h.itemLinks}, {"list.items", s.List.Items, &h.items},
		{"list.next_page", s.List.NextPage, &h.next},
		{"item.id", s.Item.ID, &h.id}, {"item.url", s.Item.URL, &h.url}, {"item.title", s.Item.Title, &h.title},
		{"item.body", s.Item.Body, &h.body}, {"item.company", s.Item.Company, &h.company},
		{"item.location", s.Item.Location, &h.location}, {"item.salary", s.Item.Salary, &h.paid},
		{"item.posted", s.Item.Posted, &h.posted}, {"item.contact", s.Item.Contact, &h.contact},
		{"item.author", s.Item.Author, &h.author},
	} {
		sel, err := compileSelector(f.key, f.src)
		if err != nil {
			return nil, err
		}
		*f.dst = sel
	}
	for _, m := range []struct {
		key string
		src map[string]string
		dst *[]namedSelector
	}{{"item.meta", s.Item.Meta, &h.meta}, {"item.present", s.Item.Present, &h.present}} {
		for _, name := range slices.Sorted(maps.Keys(m.src)) {
			sel, err := compileSelector(m.key+"."+name, m.src[name])
			if err != nil {
				return nil, err
			}
			if sel == nil {
				return nil, fieldErr(m.key+"."+name, "needs a selector")
			}
			*m.dst = append(*m.dst, namedSelector{name, sel})
		}
	}
	for _, sel := range []*selector{h.itemLinks, h.next} {
		if sel != nil && sel.attr == "" {
			sel.attr = "href"
		}
	}
	return h, nil
}

func (h *htmlSource) Start() []string { return h.s.StartURLs }

func (h *htmlSource) Extract(p *Page, env Env) Result {
	var res Result
	root, err := html.Parse(bytes.NewReader(p.Body))
	if err != nil {
		res.Err = err
		return res
	}
	var t tally
	if p.Item {
		if r := h.item(root, p.URL, false, env, &t, &res.Problems); r != nil {
			res.Ads = append(res.Ads, r)
		}
	} else {
		if h.items != nil {
			found := h.items.nodes(root)
			if len(found) == 0 {
				res.Problems = append(res.Problems, problemf(ReasonSelector, "list.items %q matched nothing on the page", h.items.src))
			}
			for _, n := range found {
				if r := h.item(n, p.URL, true, env, &t, &res.Problems); r != nil {
					res.Ads = append(res.Ads, r)
				}
			}
		} else {
			links := h.itemLinks.all(root)
			if len(links) == 0 {
				res.Problems = append(res.Problems, problemf(ReasonSelector, "list.item_links %q matched no links on the page", h.itemLinks.src))
			}
			for _, l := range links {
				if u := resolve(p.URL, l); u != "" {
					res.Items = append(res.Items, u)
				}
			}
		}
		if h.next != nil {
			if href, ok := h.next.first(root); ok && href != "" {
				if u := resolve(p.URL, href); u != "" {
					res.Next = append(res.Next, u)
				}
			}
		}
	}
	if pr, ok := t.problem(); ok {
		res.Problems = append(res.Problems, pr)
	}
	return res
}

// item reads one ad from sel, on the page at pageURL: an item page, or a
// list page when the item is inline (and the page's URL is not the ad's).
func (h *htmlSource) item(sel *html.Node, pageURL string, inline bool, env Env, t *tally, probs *[]Problem) *ad.Raw {
	t.items++
	one := func(name string, s *selector) string {
		if s == nil {
			return ""
		}
		v, ok := s.first(sel)
		if !ok {
			t.miss(name)
		}
		return v
	}
	r := &ad.Raw{
		PostID: one("id", h.id), Title: one("title", h.title), Body: one("body", h.body),
		Company: one("company", h.company), Location: one("location", h.location),
		Salary: one("salary", h.paid), Author: one("author", h.author),
	}
	if !inline {
		r.URL = pageURL
	}
	if u := one("url", h.url); u != "" {
		r.URL = resolve(pageURL, u)
	}
	if h.contact != nil {
		r.Contacts = h.contact.all(sel)
		if len(r.Contacts) == 0 {
			t.miss("contact")
		}
	}
	if posted := one("posted", h.posted); posted != "" {
		setPosted(r, posted, h.s, env, probs)
	}
	for _, m := range h.meta {
		if v, ok := m.sel.first(sel); ok {
			setMeta(r, m.name, v)
		}
	}
	for _, m := range h.present {
		_, found := m.sel.first(sel)
		setMeta(r, m.name, strconv.FormatBool(found))
	}
	return r
}

// resolve makes href absolute against base; "" when it cannot, or when it
// is not an http(s) link (javascript:, mailto:).
func resolve(base, href string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	r, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	u := b.ResolveReference(r)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	u.Fragment = ""
	return u.String()
}
