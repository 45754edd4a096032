package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lurewatch/lurewatch/index"
)

const searchHelp = `
Searches the flagged ads through the search API of a running lurewatch (run
or index), and prints each match with its level, score, the rules that fired
and a passage with the matched words in «».

The query uses Bleve's syntax: words, "phrases", field:value (level:high,
country:kh, rule:watched-hub), +must -mustnot, salary_usd_month:>=1000.
Words in Thai, Khmer, Lao, Burmese and Chinese are found as written.
Flags may come before or after the query.

The API token is read from --token, else $LUREWATCH_TOKEN, else the file
web.token_file (data_dir/api-token), which lurewatch run and lurewatch index
write when no users are configured.

Examples:
  lurewatch search sihanoukville
  lurewatch search '"no experience" +level:high'
  lurewatch search กัมพูชา -n 3
  lurewatch search --json telegram | jq .`

func cmdSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "search", "[flags] QUERY [flags]", searchHelp)
	var cf configFlags
	cf.register(fs)
	server := fs.String("server", "", "`URL` of the lurewatch API (default http://<http.listen>)")
	token := fs.String("token", "", "API `token` (default $LUREWATCH_TOKEN, then web.token_file)")
	tokenFile := fs.String("token-file", "", "read the API token from `file` (default web.token_file)")
	size := fs.Int("n", 10, "how many ads to show")
	from := fs.Int("from", 0, "skip this many ads (paging)")
	sortBy := fs.String("sort", "", "relevance, or a field with - for descending: -last_seen, -score, -salary, ...")
	minLevel := fs.String("level", "", "only ads at this level or above (low, medium, high, critical)")
	asJSON := fs.Bool("json", false, "print the API's JSON answer")
	words, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	base := *server
	var cfg *Config
	if base == "" || (*token == "" && *tokenFile == "") {
		c, _, err := cf.load(e)
		if err != nil {
			return err
		}
		cfg = c
		if base == "" {
			base = "http://" + cfg.HTTP.Listen
		}
	}
	tok, err := apiToken(e, *token, *tokenFile, cfg)
	if err != nil {
		return err
	}
	q := strings.Join(words, " ")
	params := url.Values{"q": {q}, "size": {strconv.Itoa(*size)}, "from": {strconv.Itoa(*from)}}
	if *sortBy != "" {
		params.Set("sort", *sortBy)
	}
	if *minLevel != "" {
		params.Set("min_level", *minLevel)
	}
	u := strings.TrimRight(base, "/") + "/api/search?" + params.Encode()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w\nis lurewatch running? start it with `lurewatch run --demo`, or give --server", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read answer of %s: %w", base, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%s refused the API token (from %s): give --token, $LUREWATCH_TOKEN or --token-file", base, tokenSource(*token, *tokenFile, cfg, e))
	case resp.StatusCode != http.StatusOK:
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

// parseInterleaved parses flags anywhere among the words, as people type
// them: `lurewatch search กัมพูชา -n 3`. An argument that starts with - but
// names no flag is a word, so that `-source:x` (must not) stays in the
// query; a lone -- makes everything after it words.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, words []string
	for k := 0; k < len(args); k++ {
		a := args[k]
		if a == "--" {
			words = append(words, args[k+1:]...)
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || len(a) < 2 {
			words = append(words, a)
			continue
		}
		f := fs.Lookup(name)
		if f == nil && name != "h" && name != "help" {
			words = append(words, a)
			continue
		}
		flags = append(flags, a)
		if f == nil || hasValue {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if k+1 < len(args) {
			k++
			flags = append(flags, args[k])
		}
	}
	if err := parse(fs, flags); err != nil {
		return nil, err
	}
	return words, nil
}

func envValue(e *env, name string) string {
	for _, kv := range e.environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// apiToken finds the API token: the flag, the environment, or the file.
func apiToken(e *env, flagToken, flagFile string, cfg *Config) (string, error) {
	if flagToken != "" {
		return flagToken, nil
	}
	if t := envValue(e, "LUREWATCH_TOKEN"); t != "" && flagFile == "" {
		return t, nil
	}
	file := flagFile
	if file == "" {
		file = cfg.Web.TokenFile
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no API token: %s does not exist. Start lurewatch (run or index) with no users configured to have one written there, or give --token or $LUREWATCH_TOKEN", file)
	}
	if err != nil {
		return "", fmt.Errorf("read the API token: %w", err)
	}
	t := strings.TrimSpace(string(data))
	if t == "" {
		return "", fmt.Errorf("the API token file %s is empty", file)
	}
	return t, nil
}

func tokenSource(flagToken, flagFile string, cfg *Config, e *env) string {
	switch {
	case flagToken != "":
		return "--token"
	case envValue(e, "LUREWATCH_TOKEN") != "" && flagFile == "":
		return "$LUREWATCH_TOKEN"
	case flagFile != "":
		return flagFile
	}
	return cfg.Web.TokenFile
}

func printResults(w io.Writer, q string, res *index.Result) {
	if res.Total == 1 {
		fmt.Fprintf(w, "1 flagged ad matches %q (showing %d)\n", q, len(res.Hits))
	} else {
		fmt.Fprintf(w, "%d flagged ads match %q (showing %d)\n", res.Total, q, len(res.Hits))
	}
	for _, h := range res.Hits {
		d := h.Doc
		title, passage := d.Headline(), ""
		for _, s := range h.Highlights {
			switch {
			case s.Field == "title":
				title = marked(s.Parts)
			case s.Field == "body" && passage == "":
				passage = marked(s.Parts)
			}
		}
		fmt.Fprintf(w, "\n[%s] score %.1f  %s\n", strings.ToUpper(string(d.Verdict.Level)), d.Verdict.Score, oneLine(title, 100))
		fmt.Fprintf(w, "  %s · %s · %s · seen %d× since %s\n", d.Source, orDash(d.Location), orDash(d.URL), d.TimesSeen, d.FirstSeen.Format("2006-01-02 15:04"))
		if passage != "" {
			fmt.Fprintf(w, "  %s\n", oneLine(passage, 160))
		}
		for _, hit := range d.Verdict.Hits {
			var words []string
			for _, s := range hit.Spans {
				words = append(words, fmt.Sprintf("%q", s.Text))
			}
			fmt.Fprintf(w, "  %-5s %-24s %s\n", fmt.Sprintf("%+g", hit.Weight), hit.Rule, oneLine(strings.Join(words, ", "), 80))
		}
		fmt.Fprintf(w, "  id %s\n", d.ID)
	}
}

// marked writes a snippet for a terminal, the matched words in «».
func marked(parts []index.Part) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("«" + p.Text + "»")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
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
