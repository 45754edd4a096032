package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/web"
)

const indexHelp = `
Consumes flagged ads from Kafka into the Bleve index (index.dir) and serves
the search UI and JSON API (docs/api.md) on http.listen. A Bleve index has
one writer, so the indexer and the server run in this one process.

The UI and API need a login: users from web.users_file or $LUREWATCH_USERS
(name:bcrypt-hash lines), API tokens from web.tokens_file or
$LUREWATCH_TOKENS (name:sha256:hex lines). With none configured, a login is
generated for the run: the password is printed once, and the API token is
written to web.token_file (data_dir/api-token), where lurewatch search finds
it.`

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
	client, closeBus, err := a.connect(ctx, false)
	if err != nil {
		return err
	}
	defer closeBus()
	stopHTTP, err := a.serveHTTP(ctx, ui)
	if err != nil {
		return err
	}
	defer stopHTTP()
	return runIndexer(ctx, a, client, idx)
}

// openIndex opens the configured index with the app's logger and metrics,
// and sets the process's garbage collector target for it (index.gc_percent)
// unless GOGC, which the runtime reads itself, is set.
func openIndex(a *app) (*index.Index, error) {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(a.cfg.Index.GCPercent)
	}
	return index.Open(a.cfg.Index, index.WithLogger(a.log.With("stage", "index")), index.WithMetrics(a.reg))
}

// newUI builds the web UI and API over idx. When it generated a login, the
// login is printed to w, once.
func newUI(w io.Writer, a *app, idx *index.Index) (*web.Server, error) {
	ui, err := web.New(a.cfg.Web, idx, web.WithLogger(a.log.With("stage", "web")), web.WithMetrics(a.reg))
	if err != nil {
		return nil, err
	}
	if g := ui.GeneratedLogin(); g != nil {
		fmt.Fprintf(w, "\nNo users are configured (web.users_file, $LUREWATCH_USERS), so this run made a login:\n"+
			"  web UI:  http://%s/  user %s  password %s\n"+
			"  API:     token in %s (lurewatch search reads it)\n\n", a.cfg.HTTP.Listen, g.User, g.Password, g.TokenFile)
	}
	return ui, nil
}
