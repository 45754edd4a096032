package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lurewatch/lurewatch/index"
)

const searchHelp = `
Searches the flagged ads through the search API of a running lurewatch (run
or index), and prints each match with its level, score and the rules that
fired. The query uses Bleve's syntax: words, "phrases", field:value
(level:high, source:demo-board), +must -mustnot.

Examples:
  lurewatch search sihanoukville
  lurewatch search '"no experience" +level:high'
  lurewatch search --json telegram | jq .`

func cmdSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "search", "[flags] QUERY", searchHelp)
	var cf configFlags
	cf.register(fs)
	server := fs.String("server", "", "`URL` of the lurewatch API (default http://<http.listen>)")
	size := fs.Int("n", 10, "how many ads to show")
	asJSON := fs.Bool("json", false, "print the API's JSON answer")
	if err := parse(fs, args); err != nil {
		return err
	}
	base := *server
	if base == "" {
		cfg, _, err := cf.load(e)
		if err != nil {
			return err
		}
		base = "http://" + cfg.HTTP.Listen
	}
	q := strings.Join(fs.Args(), " ")
	u := fmt.Sprintf("%s/api/search?q=%s&size=%d", strings.TrimRight(base, "/"), url.QueryEscape(q), *size)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w\nis lurewatch running? start it with `lurewatch run --demo`, or give --server", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read answer of %s: %w", base, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s: %s", base, resp.Status, strings.TrimSpace(string(body)))
	}
	if *asJSON {
		_, err := e.stdout.Write(body)
		return err
	}
	var res index.Result
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("answer of %s is not a search result: %w", base, err)
	}
	printResults(e.stdout, q, &res)
	return nil
}

func printResults(w io.Writer, q string, res *index.Result) {
	fmt.Fprintf(w, "%d flagged ads match %q (showing %d)\n", res.Total, q, len(res.Hits))
	for _, h := range res.Hits {
		d := h.Doc
		fmt.Fprintf(w, "\n[%s] score %.1f  %s\n", strings.ToUpper(string(d.Verdict.Level)), d.Verdict.Score, oneLine(d.Title, 100))
		fmt.Fprintf(w, "  %s · %s · %s · seen %d× since %s\n", d.Source, orDash(d.Location), orDash(d.URL), d.TimesSeen, d.FirstSeen.Format("2006-01-02 15:04"))
		for _, hit := range d.Verdict.Hits {
			var words []string
			for _, s := range hit.Spans {
				words = append(words, fmt.Sprintf("%q", s.Text))
			}
			fmt.Fprintf(w, "  +%-4g %-24s %s\n", hit.Weight, hit.Rule, oneLine(strings.Join(words, ", "), 80))
		}
		fmt.Fprintf(w, "  id %s\n", d.ID)
	}
}

func oneLine(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > limit {
		return string(r[:limit-1]) + "…"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
