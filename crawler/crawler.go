// Package crawler collects job ads from configured sources (HTML boards,
// Telegram channel previews, RSS and Atom feeds, JSON APIs, import files)
// and hands them, as raw ads, to a publisher.
//
// It is polite (robots.txt, per-host delay and concurrency, retries with
// backoff that honour Retry-After, conditional GET) and careful (an SSRF
// guard on every connection, caps on redirects, size and time). Its state,
// in a bbolt file, remembers what was published so that an unchanged ad
// is not sent again and a changed one is sent as a new version.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Publisher takes the crawler's ads. Publish returns nil only once the ads
// are durable (Kafka acknowledged them); the crawler marks them seen then.
type Publisher interface {
	Publish(ctx context.Context, ads []*ad.Raw) error
}

// publishBatch bounds the ads of one Publish call.
const publishBatch = 500

// Crawler crawls its sources on their intervals.
type Crawler struct {
	cfg      Config
	sources  []*Source
	pub      Publisher
	log      *slog.Logger
	metrics  *metrics
	clock    Clock
	guard    guard
	progress func(source string, st Stats)

	state  store
	fetch  *fetcher
	hosts  *hosts
	retry  *retrier
	robots *robotsCache
}

// Option injects a collaborator.
type Option func(*Crawler)

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(c *Crawler) { c.log = l } }

// WithMetrics registers the crawler's metrics with reg.
func WithMetrics(reg prometheus.Registerer) Option {
	return func(c *Crawler) { c.metrics = newMetrics(reg) }
}

// WithClock replaces the wall clock, for tests.
func WithClock(clk Clock) Option { return func(c *Crawler) { c.clock = clk } }

// WithProgress has f called after every page with the pass's counts so
// far.
func WithProgress(f func(source string, st Stats)) Option {
	return func(c *Crawler) { c.progress = f }
}

// New builds a crawler of sources that publishes to pub, and opens its
// state file (cfg.StateFile). Close it when done.
func New(cfg Config, sources []*Source, pub Publisher, opts ...Option) (*Crawler, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("crawler: %w", err)
	}
	c := &Crawler{cfg: cfg, sources: sources, pub: pub, log: slog.New(slog.DiscardHandler), clock: realClock{},
		guard: guard{denied: isPrivate}}
	for _, o := range opts {
		o(c)
	}
	if c.metrics == nil {
		c.metrics = newMetrics(nil)
	}
	if cfg.StateFile == "" {
		c.state = newMemStore()
	} else {
		st, err := openBolt(cfg.StateFile)
		if err != nil {
			return nil, err
		}
		c.state = st
	}
	c.fetch = newFetcher(&c.cfg, c.clock, c.guard)
	c.hosts = newHosts(&c.cfg, c.clock)
	c.retry = newRetrier(&c.cfg, c.clock)
	c.robots = newRobotsCache()
	return c, nil
}

// Close releases the state file and idle connections. Call it after Run
// and Once have returned.
func (c *Crawler) Close() error {
	c.fetch.close()
	return c.state.close()
}

// Stats counts one pass over a source.
type Stats struct {
	// Pages fetched (NotModified of them answered 304), and their bytes.
	Pages, NotModified int
	Bytes              int64
	// Ads found; New and Changed of them were published.
	Ads, New, Changed int
	// Errors counts problems of every reason.
	Errors  int
	Elapsed time.Duration
}

// Rate is pages a second.
func (s Stats) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Pages) / s.Elapsed.Seconds()
}

func (s Stats) String() string {
	return fmt.Sprintf("%d pages (%d unchanged), %d ads (%d new, %d changed), %d errors, %.1f pages/s",
		s.Pages, s.NotModified, s.Ads, s.New, s.Changed, s.Errors, s.Rate())
}

// Run crawls every enabled source now and then again each interval, until
// ctx is cancelled. A pass that failed to publish is tried again sooner.
func (c *Crawler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, s := range c.sources {
		if !s.IsEnabled() {
			c.log.Info("source disabled; not crawled (enabled: false)", "source", s.Name, "file", s.file)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				start := c.clock.Now()
				_, err := c.Once(ctx, s)
				if ctx.Err() != nil {
					return
				}
				wait := s.Interval - c.clock.Now().Sub(start)
				if err != nil {
					c.log.Error("crawl pass failed", "source", s.Name, "err", err)
					wait = min(wait, time.Minute)
				}
				if c.clock.Sleep(ctx, wait) != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// pass is one pass over a source.
type pass struct {
	s           *Source
	start       time.Time
	incremental bool

	mu sync.Mutex
	st Stats
}

func (p *pass) add(f func(*Stats)) {
	p.mu.Lock()
	f(&p.st)
	p.mu.Unlock()
}

// Once crawls one source a single time: its list pages, following the
// next pages up to max_pages, and the item pages they link to. It returns
// an error only when the ads could not be published (or the state could
// not be written): then nothing of the failed pages is marked seen, and the
// next pass tries them again. Fetch and page problems are logged and
// counted, and the pass goes on.
func (c *Crawler) Once(ctx context.Context, s *Source) (Stats, error) {
	p := &pass{s: s, start: c.clock.Now()}
	prev, err := c.state.pass(s.Name)
	if err != nil {
		return p.st, err
	}
	// A pass may stop paging at the first page with nothing new only when
	// the last pass got to the end: after an interrupted one, walk all.
	p.incremental = !s.FullScan && !prev.Completed.IsZero()
	if err := c.state.savePass(s.Name, passState{Started: p.start}); err != nil {
		return p.st, err
	}
	for _, u := range s.ext.Start() {
		if err := c.walk(ctx, p, u); err != nil {
			p.st.Elapsed = c.clock.Now().Sub(p.start)
			return p.st, err
		}
		if ctx.Err() != nil {
			return p.st, ctx.Err()
		}
	}
	if err := c.state.savePass(s.Name, passState{Started: p.start, Completed: c.clock.Now()}); err != nil {
		return p.st, err
	}
	p.st.Elapsed = c.clock.Now().Sub(p.start)
	c.log.Info("crawl pass done", "source", s.Name, "pages", p.st.Pages, "unchanged", p.st.NotModified,
		"ads", p.st.Ads, "new", p.st.New, "changed", p.st.Changed, "errors", p.st.Errors)
	return p.st, nil
}

// walk follows one chain of list pages from u.
func (c *Crawler) walk(ctx context.Context, p *pass, u string) error {
	visited := map[string]bool{}
	pages := 0
	for u != "" && ctx.Err() == nil {
		canon := ad.CanonicalURL(u)
		if visited[canon] {
			c.problem(p, u, problemf(ReasonPagination, "the next page leads back to %s, already read in this pass; stopping", u))
			return nil
		}
		visited[canon] = true
		if pages >= p.s.MaxPages {
			c.problem(p, u, problemf(ReasonPagination, "stopped after max_pages (%d) list pages; %s not read", p.s.MaxPages, u))
			return nil
		}
		pages++
		next, fresh, err := c.listPage(ctx, p, u)
		if err != nil {
			return err
		}
		if p.incremental && fresh == 0 {
			return nil // nothing new on this page: the older pages were read before
		}
		u = ""
		if len(next) > 0 {
			u = next[0]
		}
	}
	return nil
}

// visit is a fetched and read page, with what to save about it once its
// ads are published.
type visit struct {
	url    string
	page   *Page
	res    Result
	before pageState
	known  bool // the state had this page
}

// listPage reads one list page and the item pages it links to, publishes
// their ads, and returns the next list pages and how many items were new
// or changed (ads published plus item pages never read before).
func (c *Crawler) listPage(ctx context.Context, p *pass, u string) (next []string, fresh int, err error) {
	v, err := c.visit(ctx, p, u, false)
	if err != nil || v == nil {
		return nil, 0, err
	}
	visits := []*visit{v}
	items := v.res.Items
	if v.page.NotModified {
		next, items = v.before.Next, v.before.Items
	} else {
		next = v.res.Next
	}
	// Item pages: skip those already published unless full_scan.
	var todo []string
	for _, it := range items {
		if !p.s.FullScan {
			if _, known, err := c.state.page(p.s.Name, it); err != nil {
				return nil, 0, err
			} else if known {
				continue
			}
		}
		todo = append(todo, it)
	}
	fresh += len(todo)
	if len(todo) > 0 {
		itemVisits := make([]*visit, len(todo))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(c.cfg.Workers)
		for i, it := range todo {
			g.Go(func() error {
				iv, err := c.visit(gctx, p, it, true)
				itemVisits[i] = iv
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, 0, err
		}
		for _, iv := range itemVisits {
			if iv != nil {
				visits = append(visits, iv)
			}
		}
	}
	var ads []*ad.Raw
	for _, iv := range visits {
		ads = append(ads, iv.res.Ads...)
	}
	published, err := c.publish(ctx, p, ads)
	if err != nil {
		return nil, 0, err
	}
	if len(todo) == 0 {
		fresh += published
	}
	// Only now that every ad of these pages is published may their
	// validators be kept: a 304 next time means "nothing to send".
	now := c.clock.Now()
	for _, iv := range visits {
		if iv.res.Err != nil {
			continue
		}
		ps := pageState{Validators: iv.page.Validators, SavedAt: now}
		if !iv.page.Item {
			ps.Next, ps.Items = next, items
		}
		if iv.known && samePage(iv.before, ps) {
			continue // nothing to remember that is not remembered: no write, no fsync
		}
		if err := c.state.savePage(p.s.Name, iv.url, ps); err != nil {
			c.countProblem(p, ReasonState)
			return nil, 0, err
		}
	}
	c.report(p)
	return next, fresh, nil
}

func samePage(a, b pageState) bool {
	return a.Validators == b.Validators && slices.Equal(a.Next, b.Next) && slices.Equal(a.Items, b.Items)
}

// visit fetches and reads one page. A page that cannot be fetched is
// logged and counted, and comes back nil: the pass goes on without it.
func (c *Crawler) visit(ctx context.Context, p *pass, u string, item bool) (*visit, error) {
	before, known, err := c.state.page(p.s.Name, u)
	if err != nil {
		return nil, err
	}
	o := fetchOptions{allowPrivate: p.s.AllowPrivate, charset: p.s.Charset, accept: acceptFor(p.s.Kind)}
	if known {
		o.cond = before.Validators
	}
	page, err := c.get(ctx, p.s, u, o)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		reason := reasonOf(err)
		c.countProblem(p, reason)
		c.log.Warn("page not fetched", "source", p.s.Name, "url", u, "reason", reason, "err", err)
		return nil, nil
	}
	page.Item = item
	v := &visit{url: u, page: page, before: before, known: known}
	p.add(func(st *Stats) {
		st.Pages++
		st.Bytes += int64(len(page.Body))
		if page.NotModified {
			st.NotModified++
		}
	})
	c.metrics.bytes.WithLabelValues(p.s.Name).Add(float64(len(page.Body)))
	if page.NotModified {
		return v, nil
	}
	env := Env{Now: c.clock.Now()}
	v.res = p.s.ext.Extract(page, env)
	if v.res.Err != nil {
		c.problem(p, u, Problem{Reason: reasonOf(v.res.Err), Msg: v.res.Err.Error()})
		return v, nil
	}
	if page.Replaced {
		c.problem(p, u, problemf(ReasonEncoding, "bytes not valid in charset %s were replaced with U+FFFD", page.Charset))
	}
	for _, pr := range v.res.Problems {
		c.problem(p, u, pr)
	}
	kept := v.res.Ads[:0]
	for i, r := range v.res.Ads {
		if pr, ok := finishAd(p.s, page, r, i, env.Now); !ok {
			c.problem(p, u, pr)
			continue
		}
		kept = append(kept, r)
	}
	v.res.Ads = kept
	p.add(func(st *Stats) { st.Ads += len(kept) })
	return v, nil
}

// get fetches u for s: robots.txt first, then the host's politeness limit
// around each try, retried by the one retry loop.
func (c *Crawler) get(ctx context.Context, s *Source, u string, o fetchOptions) (*Page, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if pu.Scheme == "file" {
		return c.fetch.get(ctx, u, o)
	}
	if !s.Robots.Ignore {
		if err := c.checkRobots(ctx, s, pu); err != nil {
			return nil, err
		}
	}
	return c.request(ctx, s, pu, o)
}

// request is one polite, retried GET.
func (c *Crawler) request(ctx context.Context, s *Source, pu *url.URL, o fetchOptions) (*Page, error) {
	var page *Page
	r := *c.retry
	r.onRetry = func(attempt int, wait time.Duration, err error) {
		c.metrics.retries.WithLabelValues(s.Name).Inc()
		c.log.Info("retrying", "source", s.Name, "url", pu.String(), "attempt", attempt, "wait", wait, "err", err)
	}
	err := r.do(ctx, func(ctx context.Context) error {
		own := time.Duration(-1)
		if s.Delay != nil {
			own = *s.Delay
		}
		release, err := c.hosts.acquire(ctx, pu.Host, own)
		if err != nil {
			return err
		}
		defer release()
		pg, err := c.fetch.get(ctx, pu.String(), o)
		status := "error"
		if pg != nil {
			status = strconv.Itoa(pg.Status)
		} else if code, ok := statusOf(err); ok {
			status = code
		}
		c.metrics.pages.WithLabelValues(s.Name, status).Inc()
		page = pg
		return err
	})
	return page, err
}

// statusOf recovers the status code from an ErrStatus error's message.
func statusOf(err error) (string, bool) {
	if !errors.Is(err, ErrStatus) {
		return "", false
	}
	msg := err.Error()
	i := strings.LastIndex(msg, ErrStatus.Error()+": ")
	if i < 0 {
		return "", false
	}
	code, _, _ := strings.Cut(msg[i+len(ErrStatus.Error())+2:], " ")
	return code, true
}

func acceptFor(kind string) string {
	switch kind {
	case "feed":
		return "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
	case "json":
		return "application/json, */*;q=0.1"
	case "file":
		return "text/csv, application/x-ndjson, application/json;q=0.9, */*;q=0.1"
	}
	return "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
}

// finishAd makes an extracted ad ready to send: valid UTF-8, the source's
// facts, a stable id, sealed. It refuses an ad with no text, or one that
// fails validation, with the problem to report.
func finishAd(s *Source, page *Page, r *ad.Raw, index int, now time.Time) (Problem, bool) {
	for _, f := range []*string{&r.Title, &r.Body, &r.Company, &r.Location, &r.Salary, &r.Author, &r.PostID, &r.URL, &r.Lang} {
		*f = strings.TrimSpace(strings.ToValidUTF8(*f, "\uFFFD"))
	}
	for i := range r.Contacts {
		r.Contacts[i] = clip(strings.ToValidUTF8(r.Contacts[i], "\uFFFD"), ad.MaxFieldBytes)
	}
	if r.Title == "" && r.Body == "" {
		what := fmt.Sprintf("item %d", index+1)
		if page.Item {
			what = "the item page"
		}
		return problemf(ReasonEmpty, "%s has neither title nor body (check item.title and item.body); not sent", what), false
	}
	r.Source, r.FetchedAt = s.Name, now.UTC()
	if r.Platform == "" {
		r.Platform = s.Platform
	}
	if r.Lang == "" {
		r.Lang = s.Lang
	}
	// The id's key: the site's own id, else the ad's own URL, else (an
	// inline item with neither) its text, so that the items of one list page
	// do not share an id.
	key := r.PostID
	switch {
	case key != "":
	case r.URL != "" && (page.Item || r.URL != page.URL):
		key = ad.CanonicalURL(r.URL)
	default:
		key = "text:" + ad.ContentHash(r)
	}
	if r.URL == "" && !strings.HasPrefix(page.URL, "file:") {
		r.URL = page.URL
	}
	r.URL = clip(r.URL, ad.MaxURLBytes)
	r.PostID = clip(r.PostID, ad.MaxFieldBytes)
	r.ID = ad.NewID(s.Name, key)
	if !page.Item && !strings.HasPrefix(page.URL, "file:") && r.URL != page.URL {
		setMeta(r, "list_url", page.URL)
	}
	r.Truncate()
	r.Seal()
	if err := r.Validate(); err != nil {
		return problemf(ReasonInvalid, "item %d: %v; not sent", index+1, err), false
	}
	return Problem{}, true
}

// publish sends the ads that are new or changed, in batches, and marks
// each batch seen once the publisher has it. It returns how many it sent.
func (c *Crawler) publish(ctx context.Context, p *pass, ads []*ad.Raw) (int, error) {
	var fresh []*ad.Raw
	changed := 0
	dup := map[string]bool{}
	for _, r := range ads {
		if dup[r.ID] {
			continue
		}
		dup[r.ID] = true
		prev, ok, err := c.state.seen(p.s.Name, r.ID)
		if err != nil {
			c.countProblem(p, ReasonState)
			return 0, err
		}
		if ok && prev.Hash == r.ContentHash {
			continue
		}
		if ok {
			changed++
			setMeta(r, "version", strconv.Itoa(prev.Version+1))
		}
		fresh = append(fresh, r)
	}
	sent := len(fresh)
	for len(fresh) > 0 {
		batch := fresh[:min(len(fresh), publishBatch)]
		if err := c.pub.Publish(ctx, batch); err != nil {
			c.countProblem(p, ReasonPublish)
			return 0, fmt.Errorf("publish %d ads of %s: %w", len(batch), p.s.Name, err)
		}
		if err := c.state.markSeen(p.s.Name, batch, c.clock.Now().UTC()); err != nil {
			c.countProblem(p, ReasonState)
			return 0, err
		}
		fresh = fresh[len(batch):]
	}
	p.add(func(st *Stats) {
		st.New += sent - changed
		st.Changed += changed
	})
	c.metrics.ads.WithLabelValues(p.s.Name, "new").Add(float64(sent - changed))
	c.metrics.ads.WithLabelValues(p.s.Name, "changed").Add(float64(changed))
	return sent, nil
}

// problem logs and counts one problem of a page.
func (c *Crawler) problem(p *pass, u string, pr Problem) {
	c.countProblem(p, pr.Reason)
	c.log.Warn(pr.Msg, "source", p.s.Name, "url", u, "reason", pr.Reason)
}

func (c *Crawler) countProblem(p *pass, reason string) {
	c.metrics.errors.WithLabelValues(p.s.Name, reason).Inc()
	p.add(func(st *Stats) { st.Errors++ })
}

// report tells the progress callback how the pass stands.
func (c *Crawler) report(p *pass) {
	if c.progress == nil {
		return
	}
	p.mu.Lock()
	st := p.st
	p.mu.Unlock()
	st.Elapsed = c.clock.Now().Sub(p.start)
	c.progress(p.s.Name, st)
}
