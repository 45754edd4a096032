package main

import (
	"context"
	"fmt"

	"github.com/lurewatch/lurewatch/crawler"
)

const crawlHelp = `
Crawls the sources in crawler.sources (configs/sources/*.yaml) and publishes
each new or changed ad to the raw-ads topic. Without --once it keeps going,
crawling each source again after its interval.`

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
	c := crawler.New(a.cfg.Crawler, sources, rawPublisher{p: prod, topic: client.Topics().Raw},
		crawler.WithLogger(a.log), crawler.WithMetrics(a.reg))
	if !*once {
		return c.Run(ctx)
	}
	for _, s := range sources {
		st, err := c.Once(ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %d pages, %d ads, %d new, %d errors\n", s.Name, st.Pages, st.Ads, st.New, st.Errors)
	}
	return nil
}
