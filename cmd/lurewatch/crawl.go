package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/lurewatch/lurewatch/crawler"
)

const crawlHelp = `
Crawls the sources in crawler.sources (configs/sources/*.yaml) and publishes
each new or changed ad to the raw-ads topic. Without --once it keeps going,
crawling each enabled source again after its interval.

With --once, each source is crawled a single time and a progress line
(pages, ads, errors, rate) is printed as it goes and at the end. --source
picks one source by name, even one with enabled: false.

The crawl state (what was published, ETags) is kept in crawler.state_file,
by default data_dir/crawl-state.db: an unchanged ad is not sent again.`

func cmdCrawl(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "crawl", "[--once] [--source NAME] [flags]", crawlHelp)
	var cf configFlags
	cf.register(fs)
	once := fs.Bool("once", false, "crawl each source a single time, then exit")
	only := fs.String("source", "", "crawl only the source with this `name`")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := newApp(e, &cf)
	if err != nil {
		return err
	}
	sources, err := crawler.LoadSources(a.cfg.Crawler.Sources)
	if err != nil {
		return err
	}
	if *only != "" {
		var picked []*crawler.Source
		for _, s := range sources {
			if s.Name == *only {
				picked = append(picked, s)
			}
		}
		if len(picked) == 0 {
			return fmt.Errorf("no source named %q in %s", *only, a.cfg.Crawler.Sources)
		}
		sources = picked
	} else if *once {
		var enabled []*crawler.Source
		for _, s := range sources {
			if s.IsEnabled() {
				enabled = append(enabled, s)
			}
		}
		sources = enabled
	}
	client, closeBus, err := a.connect(ctx, false)
	if err != nil {
		return err
	}
	defer closeBus()
	stopHTTP, err := a.serveHTTP(ctx, nil)
	if err != nil {
		return err
	}
	defer stopHTTP()
	prod := client.NewProducer()
	defer prod.Close()
	opts := []crawler.Option{crawler.WithLogger(a.log), crawler.WithMetrics(a.reg)}
	var prog *progress
	if *once {
		prog = &progress{w: e.stdout, every: time.Second}
		opts = append(opts, crawler.WithProgress(prog.update))
	}
	c, err := crawler.New(a.cfg.Crawler, sources, rawPublisher{p: prod, topic: client.Topics().Raw}, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	if !*once {
		return c.Run(ctx)
	}
	for _, s := range sources {
		st, err := c.Once(ctx, s)
		prog.done(s.Name, st)
		if err != nil {
			return err
		}
	}
	return nil
}

// progress prints a source's counts at most once every interval while it is
// crawled, and once more at the end.
type progress struct {
	w     io.Writer
	every time.Duration

	mu   sync.Mutex
	last time.Time
}

func (p *progress) update(source string, st crawler.Stats) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.last) >= p.every {
		p.last = now
		fmt.Fprintf(p.w, "%s: %s\n", source, st)
	}
}

func (p *progress) done(source string, st crawler.Stats) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "%s: done: %s\n", source, st)
}
