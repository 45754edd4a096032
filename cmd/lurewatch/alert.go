package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/lurewatch/lurewatch/alert"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

const alertHelp = `
Consumes flagged ads from Kafka and alerts the offices in alert.rules
(configs/alerts.yaml): routes, dedupe, grouping, quiet hours and silences,
then delivery by webhook, email, Slack/Mattermost or file, from an outbox
under alert.dir that survives restarts. Serves /metrics and the alert API
(/api/alerts/silences, /api/alerts/status) on http.listen.

Subcommands:
  lurewatch alert test --ad FILE [--route NAME]   where an ad would go, and the message
  lurewatch alert silence add --match KEY=VALUE --reason TEXT --for 24h
  lurewatch alert silence list
  lurewatch alert silence expire ID
  lurewatch alert status                          what waits for each receiver

See docs/alerts.md.`

func cmdAlert(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "test":
			return cmdAlertTest(ctx, e, args[1:])
		case "silence":
			return cmdAlertSilence(ctx, e, args[1:])
		case "status":
			return cmdAlertStatus(ctx, e, args[1:])
		}
	}
	fs := newFlagSet(e, "alert", "[test|silence|status] [flags]", alertHelp)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "lurewatch alert: unknown subcommand %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	a, err := newApp(e, &cf)
	if err != nil {
		return err
	}
	rules, err := alert.LoadRules(a.cfg.Alert.Rules)
	if err != nil {
		return err
	}
	al, err := newAlerter(a, e, rules)
	if err != nil {
		return err
	}
	defer closeAlerter(al)
	client, closeBus, err := a.connect(ctx, false)
	if err != nil {
		return err
	}
	defer closeBus()
	stopHTTP, err := a.serveHTTP(ctx, al.Handler())
	if err != nil {
		return err
	}
	defer stopHTTP()
	return runAlerter(ctx, a, client, al)
}

// newAlerter builds the alert stage with the app's logger and metrics.
func newAlerter(a *app, e *env, rules *alert.Rules) (*alert.Alerter, error) {
	return alert.New(a.cfg.Alert, rules,
		alert.WithLogger(a.log), alert.WithRegisterer(a.reg), alert.WithStdout(e.stdout))
}

// closeAlerter gives sends in flight a few seconds to finish; what is cut
// off stays in the outbox for the next start.
func closeAlerter(al *alert.Alerter) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	al.Close(ctx)
}

// withAlertAPI serves the alert API beside the UI.
func withAlertAPI(ui http.Handler, al *alert.Alerter) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/alerts/", al.Handler())
	if ui != nil {
		mux.Handle("/", ui)
	}
	return mux
}

const alertTestHelp = `
Shows which receivers a flagged ad would reach, by which route, and renders
the message each would get, in its language. Nothing is sent and no state
changes. The ad is a flagged ad in JSON, as on the flagged-ads topic or from
"lurewatch search --json"; "-" reads it from standard input.

Examples:
  lurewatch alert test --ad ad.json
  lurewatch alert test --ad ad.json --route indonesia --format html > msg.html
  lurewatch alert test --demo --ad ad.json`

func cmdAlertTest(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "alert test", "--ad FILE [--route NAME] [flags]", alertTestHelp)
	var cf configFlags
	cf.register(fs)
	file := fs.String("ad", "", "flagged ad in JSON (`file`, or - for standard input)")
	route := fs.String("route", "", "start at the route with this `name` instead of the root")
	rulesFile := fs.String("rules", "", "rules `file` (default alert.rules)")
	demoRules := fs.Bool("demo", false, "use the routes of lurewatch run --demo")
	format := fs.String("format", "text", "message to show: text, html, chat or none")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		fmt.Fprintln(e.stderr, "lurewatch alert test: --ad is required")
		fs.Usage()
		return errUsage
	}
	cfg, _, err := cf.load(e)
	if err != nil {
		return err
	}
	var rules *alert.Rules
	switch {
	case *demoRules:
		rules, err = alert.DemoRules()
	case *rulesFile != "":
		rules, err = alert.LoadRules(*rulesFile)
	default:
		rules, err = alert.LoadRules(cfg.Alert.Rules)
	}
	if err != nil {
		return err
	}
	var data []byte
	if *file == "-" {
		data, err = io.ReadAll(io.LimitReader(e.stdin, 4<<20))
	} else {
		data, err = os.ReadFile(*file)
	}
	if err != nil {
		return fmt.Errorf("read the ad: %w", err)
	}
	f, err := ad.DecodeFlagged(data, "")
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	previews, err := rules.Preview(f, *route, cfg.Alert.UIBaseURL, time.Now())
	if err != nil {
		return err
	}
	x := f.Verdict.Extracted
	fmt.Fprintf(e.stdout, "ad %s: level %s, category %s, nationalities %s, languages %s, places %s, source %s\n",
		f.ID, f.Verdict.Level, orDash(f.Verdict.Category), list(x.Nationalities), list(append(x.Languages, f.Lang)), list(append(x.Places, x.Countries...)), f.Source)
	if len(previews) == 0 {
		fmt.Fprintln(e.stdout, "no receiver: no route sends this ad anywhere")
		return nil
	}
	for _, p := range previews {
		fmt.Fprintf(e.stdout, "\n-> route %s (%s) -> receiver %s [%s], language %s\n", p.Route, p.Match, p.Receiver, strings.Join(p.Integrations, ", "), p.Language)
		switch *format {
		case "text":
			fmt.Fprintf(e.stdout, "\n%s\n", indent(p.Message.Text))
		case "html":
			fmt.Fprintf(e.stdout, "\n%s\n", p.Message.HTML)
		case "chat":
			fmt.Fprintf(e.stdout, "\n%s\n", indent(p.Chat))
		case "none":
		default:
			return fmt.Errorf("--format: %q is not text, html, chat or none", *format)
		}
	}
	return nil
}

func list(vs []string) string {
	var out []string
	for _, v := range vs {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ",")
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

const alertSilenceHelp = `
Silences mute the alerts that match them, for one receiver or all, until
they expire. Each needs a reason and a creator. They are made through the
API of the running alerter (lurewatch alert or run) on http.listen, or, when
none runs, in the outbox under alert.dir directly.

Examples:
  lurewatch alert silence add --match source=demo-board --reason "test data" --for 24h
  lurewatch alert silence add --receiver kbri-phnom-penh --match level=medium \
      --reason "office asked for high only during Lebaran" --for 168h
  lurewatch alert silence list
  lurewatch alert silence expire 3f2a...`

func cmdAlertSilence(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "alert silence", "add|list|expire [flags]", alertSilenceHelp)
	var cf configFlags
	cf.register(fs)
	var matchers multiFlag
	fs.Var(&matchers, "match", "mute ads where `key=value[,value]` (repeatable; keys: level, category, language, place, source, nationality)")
	receiver := fs.String("receiver", "", "mute only this receiver's alerts")
	reason := fs.String("reason", "", "why (required)")
	creator := fs.String("creator", os.Getenv("USER"), "who")
	dur := fs.Duration("for", 0, "how long, e.g. 24h (required for add)")
	server := fs.String("server", "", "`URL` of the running alerter (default http://<http.listen>)")
	if len(args) == 0 {
		fs.Usage()
		return errUsage
	}
	verb := args[0]
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	cfg, _, err := cf.load(e)
	if err != nil {
		return err
	}
	api := &alertAPI{base: *server, cfg: cfg.Alert, local: *server == ""}
	if api.base == "" {
		api.base = "http://" + cfg.HTTP.Listen
	}
	if cfg.Alert.APITokenEnv != "" {
		api.token = os.Getenv(cfg.Alert.APITokenEnv)
	}
	if verb != "expire" && len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q; values go in flags, e.g. --match %s", pos[0], pos[0])
	}
	switch verb {
	case "add":
		m, err := alert.ParseMatch(matchers)
		if err != nil {
			return err
		}
		if *dur <= 0 {
			return errors.New("--for: give how long the silence lasts, e.g. --for 24h")
		}
		req := alert.SilenceRequest{Match: m, Receiver: *receiver, Reason: *reason, Creator: *creator, Duration: dur.String()}
		var s alert.SilenceView
		if err := api.do(ctx, http.MethodPost, "/api/alerts/silences", req, &s, func(b *alert.Silences) error {
			sil, err := req.Silence(b.Now())
			if err != nil {
				return err
			}
			if err := b.Add(sil); err != nil {
				return err
			}
			s = alert.SilenceView{Silence: *sil, State: sil.State(b.Now())}
			return nil
		}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "silence %s: %s%s until %s (%s, by %s)\n", s.ID, s.Match.String(), forReceiver(s.Receiver), s.EndsAt.Local().Format(time.RFC3339), s.Reason, s.Creator)
	case "list":
		var list []alert.SilenceView
		if err := api.do(ctx, http.MethodGet, "/api/alerts/silences", nil, &list, func(b *alert.Silences) error {
			all, err := b.List()
			for _, s := range all {
				list = append(list, alert.SilenceView{Silence: s, State: s.State(b.Now())})
			}
			return err
		}); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tRECEIVER\tMATCH\tENDS\tCREATOR\tREASON")
		for _, s := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.State, orDash(s.Receiver), s.Match.String(), s.EndsAt.Local().Format("2006-01-02 15:04"), s.Creator, oneLine(s.Reason, 60))
		}
		return tw.Flush()
	case "expire":
		if len(pos) != 1 {
			return errors.New("expire takes the silence's id: lurewatch alert silence expire ID")
		}
		id := pos[0]
		var s alert.SilenceView
		if err := api.do(ctx, http.MethodDelete, "/api/alerts/silences/"+id, nil, &s, func(b *alert.Silences) error {
			sil, err := b.Expire(id)
			if err == nil {
				s = alert.SilenceView{Silence: *sil, State: sil.State(b.Now())}
			}
			return err
		}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "silence %s expired\n", s.ID)
	default:
		fmt.Fprintf(e.stderr, "lurewatch alert silence: unknown verb %q (add, list, expire)\n", verb)
		return errUsage
	}
	return nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("expire ID --set k=v"), and returns the latter.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func forReceiver(r string) string {
	if r == "" {
		return " for every receiver"
	}
	return " for " + r
}

const alertStatusHelp = `
Shows, for each receiver's integration, whether it delivers, how many
notifications and ads wait in the outbox, and the last error. Asks the
running alerter (lurewatch alert or run).`

func cmdAlertStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "alert status", "[flags]", alertStatusHelp)
	var cf configFlags
	cf.register(fs)
	server := fs.String("server", "", "`URL` of the running alerter (default http://<http.listen>)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, _, err := cf.load(e)
	if err != nil {
		return err
	}
	api := &alertAPI{base: *server, cfg: cfg.Alert}
	if api.base == "" {
		api.base = "http://" + cfg.HTTP.Listen
	}
	if cfg.Alert.APITokenEnv != "" {
		api.token = os.Getenv(cfg.Alert.APITokenEnv)
	}
	var st alert.Status
	if err := api.do(ctx, http.MethodGet, "/api/alerts/status", nil, &st, nil); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECEIVER\tINTEGRATION\tUP\tWAITING\tADS\tATTEMPTS\tLAST ERROR")
	for _, s := range st.Integrations {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%d\t%d\t%d\t%s\n", s.Receiver, s.Integration, s.Up, s.Waiting, s.WaitingAds, s.Attempts, oneLine(s.LastError, 80))
	}
	return tw.Flush()
}

// alertAPI calls the running alerter's API, or, when nothing listens and
// local is given, works on the outbox under alert.dir directly.
type alertAPI struct {
	base  string
	token string
	cfg   alert.Config
	// local allows working on the outbox directly when nothing listens at
	// the default address; never when --server named another machine.
	local bool
}

func (c *alertAPI) do(ctx context.Context, method, path string, in, out any, local func(*alert.Silences) error) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.base, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if local != nil && c.local && errors.Is(err, syscall.ECONNREFUSED) {
			return c.direct(local)
		}
		return fmt.Errorf("%w\nis the alerter running? start it with `lurewatch alert` or `lurewatch run`, or give --server", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("read answer of %s: %w", c.base, err)
	}
	if resp.StatusCode == http.StatusNotFound && strings.HasPrefix(strings.TrimSpace(string(data)), "404 page not found") {
		return fmt.Errorf("%s serves no alert API: is the alerter running there?", c.base)
	}
	if resp.StatusCode >= 300 {
		var ae struct{ Error string }
		if json.Unmarshal(data, &ae) == nil && ae.Error != "" {
			return errors.New(ae.Error)
		}
		return fmt.Errorf("%s answered %s: %s", c.base, resp.Status, strings.TrimSpace(string(data)))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("answer of %s: %w", c.base, err)
	}
	return nil
}

func (c *alertAPI) direct(fn func(*alert.Silences) error) error {
	s, err := alert.OpenSilences(c.cfg.Dir)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

// runAlerts builds the alert stage: the demo's offices with --demo, else
// the receivers of alert.rules. No rules file means no alerts, said once.
func runAlerts(a *app, e *env, demoMode bool) (*alert.Alerter, error) {
	var rules *alert.Rules
	var err error
	if demoMode {
		rules, err = alert.DemoRules()
	} else {
		rules, err = alert.LoadRules(a.cfg.Alert.Rules)
		if errors.Is(err, os.ErrNotExist) {
			a.log.Warn("no alert rules; alerts are off", "file", a.cfg.Alert.Rules)
			return nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return newAlerter(a, e, rules)
}

// demoAlertLog is where the demo's alerts arrive.
func demoAlertLog(a *app) string { return filepath.Join(a.cfg.Alert.Dir, alert.DemoLog) }
