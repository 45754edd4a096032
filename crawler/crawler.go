// Package crawler collects job ads from configured sources and hands them,
// as raw ads, to a publisher.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/prometheus/client_golang/prometheus"
)

// Publisher takes the crawler's ads. Publish returns nil only once the ads
// are durable (Kafka acknowledged them); the crawler marks them seen then.
type Publisher interface {
	Publish(ctx context.Context, ads []*ad.Raw) error
}

// Crawler crawls its sources on their intervals.
type Crawler struct {
	cfg     Config
	sources []*Source
	pub     Publisher
	client  *http.Client
	log     *slog.Logger
	metrics *metrics
	now     func() time.Time

	mu   sync.Mutex
	seen map[string]string // ad id -> content hash last published
}

// Option injects a collaborator.
type Option func(*Crawler)

// WithHTTPClient replaces the HTTP client.
func WithHTTPClient(c *http.Client) Option { return func(cr *Crawler) { cr.client = c } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(cr *Crawler) { cr.log = l } }

// WithMetrics registers the crawler's metrics with reg.
func WithMetrics(reg prometheus.Registerer) Option {
	return func(cr *Crawler) { cr.metrics = newMetrics(reg) }
}

// New builds a crawler of sources that publishes to pub.
func New(cfg Config, sources []*Source, pub Publisher, opts ...Option) *Crawler {
	cfg.Defaults()
	c := &Crawler{cfg: cfg, sources: sources, pub: pub, log: slog.New(slog.DiscardHandler), now: time.Now, seen: map[string]string{}}
	c.client = &http.Client{Timeout: cfg.Timeout}
	for _, o := range opts {
		o(c)
	}
	if c.metrics == nil {
		c.metrics = newMetrics(nil)
	}
	return c
}

// Stats counts one pass over a source.
type Stats struct {
	Pages, Ads, New, Errors int
}

// Run crawls every source now and then again after each source's interval,
// until ctx is cancelled.
func (c *Crawler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, s := range c.sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if _, err := c.Once(ctx, s); err != nil && ctx.Err() == nil {
					c.log.Error("crawl failed", "source", s.Name, "err", err)
				}
				t := time.NewTimer(s.Interval)
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// Sources returns the configured sources.
func (c *Crawler) Sources() []*Source { return c.sources }

// Once crawls one source a single time: its list pages, following the next
// page link, and its items.
func (c *Crawler) Once(ctx context.Context, s *Source) (Stats, error) {
	var st Stats
	for _, start := range s.StartURLs {
		page := start
		for n := 0; page != "" && n < s.List.MaxPages; n++ {
			doc, err := c.get(ctx, s, page)
			if err != nil {
				st.Errors++
				c.metrics.errors.WithLabelValues(s.Name, "fetch").Inc()
				c.log.Warn("list page failed", "source", s.Name, "url", page, "err", err)
				break
			}
			st.Pages++
			ads := c.items(ctx, s, page, doc, &st)
			if err := c.publish(ctx, s, ads, &st); err != nil {
				return st, err
			}
			page = ""
			if s.List.NextPage != "" {
				if href, ok := doc.Find(s.List.NextPage).First().Attr("href"); ok {
					page = resolve(start, href)
				}
			}
		}
	}
	c.log.Info("crawl pass done", "source", s.Name, "pages", st.Pages, "ads", st.Ads, "new", st.New, "errors", st.Errors)
	return st, nil
}

// items extracts the ads of one list page, from the page itself or from the
// item pages it links to.
func (c *Crawler) items(ctx context.Context, s *Source, pageURL string, doc *goquery.Document, st *Stats) []*ad.Raw {
	var out []*ad.Raw
	if s.List.Items != "" {
		doc.Find(s.List.Items).Each(func(_ int, sel *goquery.Selection) {
			if r := c.extract(s, pageURL, sel); r != nil {
				out = append(out, r)
			}
		})
		return out
	}
	doc.Find(s.List.ItemLinks).Each(func(_ int, sel *goquery.Selection) {
		href, ok := sel.Attr("href")
		if !ok || ctx.Err() != nil {
			return
		}
		u := resolve(pageURL, href)
		item, err := c.get(ctx, s, u)
		if err != nil {
			st.Errors++
			c.metrics.errors.WithLabelValues(s.Name, "fetch").Inc()
			c.log.Warn("item page failed", "source", s.Name, "url", u, "err", err)
			return
		}
		st.Pages++
		if r := c.extract(s, u, item.Selection); r != nil {
			out = append(out, r)
		}
	})
	return out
}

// extract builds a raw ad from the selection; nil when it holds no text.
func (c *Crawler) extract(s *Source, pageURL string, sel *goquery.Selection) *ad.Raw {
	text := func(q string) string {
		if q == "" {
			return ""
		}
		return strings.TrimSpace(sel.Find(q).First().Text())
	}
	r := &ad.Raw{
		Source: s.Name, Platform: s.Platform, URL: pageURL, FetchedAt: c.now().UTC(), Lang: s.Lang,
		Title: text(s.Item.Title), Body: text(s.Item.Body), Company: text(s.Item.Company),
		Location: text(s.Item.Location), Salary: text(s.Item.Salary), Author: text(s.Item.Author),
	}
	if s.Item.Contact != "" {
		sel.Find(s.Item.Contact).Each(func(_ int, cs *goquery.Selection) {
			if t := strings.TrimSpace(cs.Text()); t != "" {
				r.Contacts = append(r.Contacts, t)
			}
		})
	}
	if s.Item.ID != "" || s.Item.IDAttr != "" {
		idSel := sel
		if s.Item.ID != "" {
			idSel = sel.Find(s.Item.ID).First()
		}
		if s.Item.IDAttr != "" {
			r.PostID, _ = idSel.Attr(s.Item.IDAttr)
		} else {
			r.PostID = strings.TrimSpace(idSel.Text())
		}
	}
	if r.Title == "" && r.Body == "" {
		c.metrics.errors.WithLabelValues(s.Name, "empty").Inc()
		c.log.Warn("item has no title or body; check the selectors", "source", s.Name, "url", pageURL)
		return nil
	}
	key := r.PostID
	if key == "" {
		key = ad.CanonicalURL(pageURL)
	}
	r.ID = ad.NewID(s.Name, key)
	r.Truncate()
	r.Seal()
	return r
}

// publish sends the ads that are new or changed and marks them seen once
// the publisher has them.
func (c *Crawler) publish(ctx context.Context, s *Source, ads []*ad.Raw, st *Stats) error {
	st.Ads += len(ads)
	var fresh []*ad.Raw
	c.mu.Lock()
	for _, r := range ads {
		if c.seen[r.ID] != r.ContentHash {
			fresh = append(fresh, r)
		}
	}
	c.mu.Unlock()
	if len(fresh) == 0 {
		return nil
	}
	if err := c.pub.Publish(ctx, fresh); err != nil {
		return fmt.Errorf("publish %d ads of %s: %w", len(fresh), s.Name, err)
	}
	c.mu.Lock()
	for _, r := range fresh {
		c.seen[r.ID] = r.ContentHash
	}
	c.mu.Unlock()
	st.New += len(fresh)
	c.metrics.ads.WithLabelValues(s.Name).Add(float64(len(fresh)))
	return nil
}

func (c *Crawler) get(ctx context.Context, s *Source, u string) (*goquery.Document, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	c.metrics.pages.WithLabelValues(s.Name, fmt.Sprint(resp.StatusCode)).Inc()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	body := io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1)
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if int64(len(data)) > c.cfg.MaxBodyBytes {
		return nil, fmt.Errorf("GET %s: %w (limit %d bytes)", u, ErrTooLarge, c.cfg.MaxBodyBytes)
	}
	return goquery.NewDocumentFromReader(strings.NewReader(string(data)))
}

// ErrTooLarge is returned for a page over the body-size limit.
var ErrTooLarge = errors.New("page too large")

func resolve(base, href string) string {
	b, err := url.Parse(base)
	if err != nil {
		return href
	}
	h, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return href
	}
	return b.ResolveReference(h).String()
}
