package main

import (
	"context"

	"github.com/lurewatch/lurewatch/index"
)

const indexHelp = `
Consumes flagged ads from Kafka into the Bleve index (index.dir) and serves
the search UI and API on http.listen. A Bleve index has one writer, so the
indexer and the server run in this one process.`

func cmdIndex(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "index", "[flags]", indexHelp)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := newApp(e, &cf)
	if err != nil {
		return err
	}
	idx, err := index.Open(a.cfg.Index.Dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	client, closeBus, err := a.connect(ctx, false)
	if err != nil {
		return err
	}
	defer closeBus()
	stopHTTP, err := a.serveHTTP(ctx, uiHandler(a, idx))
	if err != nil {
		return err
	}
	defer stopHTTP()
	return runIndexer(ctx, a, client, idx)
}
