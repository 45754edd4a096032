package crawler

import (
	"context"
	"github.com/lurewatch/lurewatch/pkg/ad"
	"net/url"
	"time"
)

// Preview is a dry run of a source over one page: what it extracted,
// nothing published, no state kept.
type Preview struct {
	Page *Page
	// Ads are finished as they would be sent (id, source, sealed).
	Ads []*ad.Raw
	// Next and Items are the list pages and item pages it would follow.
	Next, Items []string
	// Problems are what a crawl would log and count; Err means the page
	// could not be read at all.
	Problems []Problem
	Err      error
}

// PreviewSaved runs s over a saved copy of a page, as if it had been
// fetched from pageURL (for resolving links); item says whether it is a
// single ad's page rather than a list.
func PreviewSaved(s *Source, pageURL string, body []byte, contentType string, item bool, now time.Time) *Preview {
	p := &Page{URL: pageURL, Status: 200, ContentType: contentType, Item: item}
	p.Body, p.Charset, p.Replaced = toUTF8(body, contentType, s.Charset)
	return preview(s, p, now)
}

// PreviewLive fetches the first page of s, or pageURL when it is not
// empty, as a crawl would (robots.txt, politeness, the SSRF guard,
// retries), and runs the source over it.
func (c *Crawler) PreviewLive(ctx context.Context, s *Source, pageURL string, item bool) *Preview {
	if pageURL == "" {
		if start := s.ext.Start(); len(start) > 0 {
			pageURL = start[0]
		}
	}
	if _, err := url.Parse(pageURL); err != nil || pageURL == "" {
		return &Preview{Err: fieldErr("start_urls", "nothing to fetch")}
	}
	page, err := c.get(ctx, s, pageURL, fetchOptions{allowPrivate: s.AllowPrivate, charset: s.Charset, accept: acceptFor(s.Kind)})
	if err != nil {
		return &Preview{Err: err}
	}
	page.Item = item
	return preview(s, page, c.clock.Now())
}

// StartPages returns the pages a pass of s starts from.
func (s *Source) StartPages() []string { return s.ext.Start() }

func preview(s *Source, p *Page, now time.Time) *Preview {
	res := s.ext.Extract(p, Env{Now: now})
	pv := &Preview{Page: p, Next: res.Next, Items: res.Items, Problems: res.Problems, Err: res.Err}
	if res.Err != nil {
		return pv
	}
	if p.Replaced {
		pv.Problems = append(pv.Problems, problemf(ReasonEncoding, "bytes not valid in charset %s were replaced with U+FFFD", p.Charset))
	}
	for i, r := range res.Ads {
		if pr, ok := finishAd(s, p, r, i, now); !ok {
			pv.Problems = append(pv.Problems, pr)
			continue
		}
		pv.Ads = append(pv.Ads, r)
	}
	return pv
}
