package main

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/sync/errgroup"

	"github.com/lurewatch/lurewatch/classifier"
	"github.com/lurewatch/lurewatch/crawler"
	"github.com/lurewatch/lurewatch/demo"
)

const runHelp = `
Runs every stage in one process: the crawler, the classifier, the indexer,
the alerter (alert.rules) and the web UI and API, with /metrics, /healthz and
/readyz beside them.

With no kafka.brokers configured, an embedded Kafka-protocol broker starts in
the process, keeping its data under data_dir; the stages talk to it with the
same client code they use against a real cluster.

With --demo, a small job board and a Telegram-style channel page, written for
the project in ten languages, are served on loopback and crawled instead of
the configured sources: flagged ads are searchable within seconds, with no
network, and alerts to five pretend offices arrive in
data_dir/alerts/demo.log. Try, in another terminal:

  lurewatch search sihanoukville
  lurewatch search 'level:high'
  tail -f data/alerts/demo.log

Stop with Ctrl-C: every stage drains (stops intake, flushes, commits) first.`

func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "run", "[--demo] [flags]", runHelp)
	var cf configFlags
	cf.register(fs)
	demoMode := fs.Bool("demo", false, "serve and crawl the built-in demo sources instead of configs/sources")
	demoAddr := fs.String("demo-addr", "127.0.0.1:0", "where the demo sites listen")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := newApp(e, &cf)
	if err != nil {
		return err
	}

	var sources []*crawler.Source
	if *demoMode {
		site, err := demo.Start(*demoAddr)
		if err != nil {
			return err
		}
		defer site.Close(context.WithoutCancel(ctx))
		for name, data := range demo.Sources(site.URL()) {
			s, err := crawler.ParseSource(name, data)
			if err != nil {
				return err
			}
			sources = append(sources, s)
		}
		a.log.Info("demo sites serving", "url", site.URL())
	} else if sources, err = crawler.LoadSources(a.cfg.Crawler.Sources); err != nil {
		return err
	}
	if len(sources) == 0 {
		a.log.Warn("no sources to crawl; add files to crawler.sources or use --demo", "dir", a.cfg.Crawler.Sources)
	}

	cls, err := classifier.New(a.cfg.Classifier, a.log, a.reg)
	if err != nil {
		return err
	}
	idx, err := openIndex(a)
	if err != nil {
		return err
	}
	defer idx.Close()
	ui, err := newUI(e.stderr, a, idx)
	if err != nil {
		return err
	}
	defer ui.Close()

	al, err := runAlerts(a, e, *demoMode)
	if err != nil {
		return err
	}
	if al != nil {
		defer closeAlerter(al)
	}

	client, closeBus, err := a.connect(ctx, true)
	if err != nil {
		return err
	}
	defer closeBus()

	var handler http.Handler = ui
	if al != nil {
		handler = withAlertAPI(ui, al)
	}
	stopHTTP, err := a.serveHTTP(ctx, handler)
	if err != nil {
		return err
	}
	defer stopHTTP()

	if *demoMode {
		fmt.Fprintf(e.stderr, "\nlurewatch demo is running. In another terminal:\n  lurewatch search sihanoukville\n  curl -H \"Authorization: Bearer $(cat %s)\" 'http://%s/api/search?q=level:high'\n  tail -f %s    # alerts to the demo offices\nStop with Ctrl-C.\n\n", a.cfg.Web.TokenFile, a.cfg.HTTP.Listen, demoAlertLog(a))
	}

	prod := client.NewProducer()
	defer prod.Close()
	crawl, err := crawler.New(a.cfg.Crawler, sources, rawPublisher{p: prod, topic: client.Topics().Raw},
		crawler.WithLogger(a.log.With("stage", "crawler")), crawler.WithMetrics(a.reg))
	if err != nil {
		return err
	}
	defer crawl.Close()

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return crawl.Run(gctx) })
	g.Go(func() error { return runClassifier(gctx, a, client, cls) })
	go reloadOnHangup(gctx, e, cls)
	go func() { _ = cls.Watch(gctx) }()
	g.Go(func() error { return runIndexer(gctx, a, client, idx) })
	if al != nil {
		g.Go(func() error { return runAlerter(gctx, a, client, al) })
	}
	err = g.Wait()
	a.log.Info("stages stopped; closing")
	return err
}
