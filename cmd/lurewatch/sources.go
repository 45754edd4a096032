package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/lurewatch/lurewatch/crawler"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

const sourcesHelp = `
Checks source files: each is read strictly (an unknown key, a wrong type or a
setting that cannot work is an error with file, line and key), then its
selectors are dry-run against a page, and the fields they extract are printed.
Nothing is published and no crawl state is written.

The page is a saved copy by default: for a source named NAME, the file
NAME.<ext> in the --saved folder (default: the samples folder beside the
source files) is read as its first page, and NAME.item.<ext>, if present, as
one of its item pages. With --live the source's first page is fetched from
the site instead, politely (robots.txt, delay, the SSRF guard).

With no FILE, every *.yaml file in crawler.sources is checked.

  lurewatch sources check
  lurewatch sources check --live configs/sources/telegram-example.yaml`

func cmdSources(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprint(e.stderr, "Usage: lurewatch sources check [--saved DIR | --live] [FILE...]\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlagSet(e, "sources check", "[--saved DIR | --live] [FILE...]", sourcesHelp)
	var cf configFlags
	cf.register(fs)
	saved := fs.String("saved", "", "folder of saved pages (default <crawler.sources>/samples)")
	live := fs.Bool("live", false, "fetch each source's first page from the site instead of a saved copy")
	show := fs.Int("n", 3, "how many ads of each page to print")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *live && *saved != "" {
		fmt.Fprintln(e.stderr, "--saved and --live exclude each other")
		return errUsage
	}
	cfg, _, err := cf.load(e)
	if err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		files, err = filepath.Glob(filepath.Join(cfg.Crawler.Sources, "*.yaml"))
		if err != nil {
			return err
		}
		sort.Strings(files)
		if len(files) == 0 {
			return fmt.Errorf("no source files in %s", cfg.Crawler.Sources)
		}
	}
	dir := *saved
	if dir == "" {
		dir = filepath.Join(cfg.Crawler.Sources, "samples")
	}
	var c *crawler.Crawler
	if *live {
		ccfg := cfg.Crawler
		ccfg.StateFile = "" // a dry run keeps no state
		c, err = crawler.New(ccfg, nil, nil)
		if err != nil {
			return err
		}
		defer c.Close()
	}
	ck := checker{w: e.stdout, show: *show, now: time.Now()}
	failed := 0
	names := map[string]string{}
	for _, f := range files {
		ok := ck.file(ctx, f, dir, c, names)
		if !ok {
			failed++
		}
	}
	fmt.Fprintf(e.stdout, "\n%d source files checked, %d failed\n", len(files), failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d source files failed the check", failed, len(files))
	}
	return nil
}

type checker struct {
	w    io.Writer
	show int
	now  time.Time
}

// file checks one source file and reports whether it passed.
func (ck *checker) file(ctx context.Context, file, dir string, c *crawler.Crawler, names map[string]string) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(ck.w, "FAIL %s: %v\n", file, err)
		return false
	}
	s, err := crawler.ParseSource(file, data)
	if err != nil {
		fmt.Fprintf(ck.w, "FAIL %v\n", err)
		return false
	}
	if prev, dup := names[s.Name]; dup {
		fmt.Fprintf(ck.w, "FAIL %s: name: %q is already the name of %s\n", file, s.Name, prev)
		return false
	}
	names[s.Name] = file
	state := "enabled"
	if !s.IsEnabled() {
		state = "disabled"
	}
	fmt.Fprintf(ck.w, "\n%s: source %s (kind %s, %s, every %s)\n", file, s.Name, s.Kind, state, s.Interval)
	if c != nil {
		pv := c.PreviewLive(ctx, s, "", false)
		ok := ck.print("live "+firstOr(s.StartPages(), "?"), pv)
		if ok && len(pv.Ads) == 0 && len(pv.Items) > 0 {
			ok = ck.print("live item "+pv.Items[0], c.PreviewLive(ctx, s, pv.Items[0], true))
		}
		return ck.verdict(ok)
	}
	list, item := samples(dir, s.Name)
	if list == "" {
		fmt.Fprintf(ck.w, "  ok: the file is valid; no saved page %s/%s.* to dry-run (save one, or use --live)\n", dir, s.Name)
		return true
	}
	ok := ck.saved(s, list, false)
	if ok && item != "" {
		ok = ck.saved(s, item, true)
	}
	return ck.verdict(ok)
}

func (ck *checker) verdict(ok bool) bool {
	if ok {
		fmt.Fprintln(ck.w, "  ok")
	} else {
		fmt.Fprintln(ck.w, "  FAIL: the selectors extract nothing usable from the page")
	}
	return ok
}

// samples finds the saved list page and item page of a source.
func samples(dir, name string) (list, item string) {
	matches, _ := filepath.Glob(filepath.Join(dir, name+".*"))
	sort.Strings(matches)
	for _, m := range matches {
		if strings.HasPrefix(filepath.Base(m), name+".item.") {
			item = m
		} else if list == "" {
			list = m
		}
	}
	return list, item
}

func (ck *checker) saved(s *crawler.Source, path string, item bool) bool {
	body, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(ck.w, "  %v\n", err)
		return false
	}
	abs, _ := filepath.Abs(path)
	pageURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	if s.Kind != "file" {
		pageURL = firstOr(s.StartPages(), pageURL)
		if item {
			pageURL = strings.TrimRight(pageURL, "/") + "/saved-item"
		}
	}
	// The media type only: Go's table says charset=utf-8 for .xml and
	// .html, which would override what the saved page declares.
	ct, _, _ := mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(path)))
	pv := crawler.PreviewSaved(s, pageURL, body, ct, item, ck.now)
	return ck.print(fmt.Sprintf("saved %s (%d bytes) as %s", path, len(body), pageURL), pv)
}

// print shows what a dry run found and reports whether it found anything
// usable: an ad, or links to item pages.
func (ck *checker) print(what string, pv *crawler.Preview) bool {
	fmt.Fprintf(ck.w, "  page: %s\n", what)
	if pv.Err != nil {
		fmt.Fprintf(ck.w, "  error: %v\n", pv.Err)
		return false
	}
	fmt.Fprintf(ck.w, "  charset %s; %d ads, %d item pages, %d next pages, %d problems\n",
		pv.Page.Charset, len(pv.Ads), len(pv.Items), len(pv.Next), len(pv.Problems))
	for _, pr := range pv.Problems {
		fmt.Fprintf(ck.w, "  problem [%s]: %s\n", pr.Reason, pr.Msg)
	}
	for _, n := range pv.Next {
		fmt.Fprintf(ck.w, "  next page: %s\n", n)
	}
	for i, it := range pv.Items {
		if i == ck.show {
			fmt.Fprintf(ck.w, "  ... and %d more item pages\n", len(pv.Items)-i)
			break
		}
		fmt.Fprintf(ck.w, "  item page: %s\n", it)
	}
	for i, a := range pv.Ads {
		if i == ck.show {
			fmt.Fprintf(ck.w, "  ... and %d more ads\n", len(pv.Ads)-i)
			break
		}
		printAd(ck.w, i+1, a)
	}
	return len(pv.Ads) > 0 || len(pv.Items) > 0
}

func printAd(w io.Writer, n int, a *ad.Raw) {
	fmt.Fprintf(w, "  ad %d: id %s\n", n, a.ID)
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(w, "    %-9s %s\n", name+":", oneLine(v, 100))
		}
	}
	field("post_id", a.PostID)
	field("url", a.URL)
	field("title", a.Title)
	field("body", a.Body)
	field("company", a.Company)
	field("location", a.Location)
	field("salary", a.Salary)
	if !a.PostedAt.IsZero() {
		field("posted", a.PostedAt.Format(time.RFC3339))
	}
	field("author", a.Author)
	field("contacts", strings.Join(a.Contacts, " · "))
	keys := make([]string, 0, len(a.Meta))
	for k := range a.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field(k, a.Meta[k])
	}
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}
