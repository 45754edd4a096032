package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = realMain(context.Background(), args, &env{stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

// Every shipped source file passes `sources check` against its saved
// pages, offline, and the check prints the fields it extracts.
func TestShippedSourcesPassCheck(t *testing.T) {
	dir := filepath.Join("..", "..", "configs", "sources")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) < 5 {
		t.Fatalf("only %d shipped source files", len(files))
	}
	code, out, errOut := runCmd(t, "sources", "check", "--set", "crawler.sources="+dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "no saved page") {
		t.Errorf("a shipped source has no saved page:\n%s", out)
	}
	for _, want := range []string{
		"source telegram-channel (kind telegram, disabled",
		"title:    รับสมัครพนักงานแอดมินออนไลน์ ทำงานที่กัมพูชา",
		"salary:   USD 1,500 / month",
		"body:     Café staff wanted in Siem Reap, résumé to HR",
		"contacts: @shwe_hr · shwe-hr-88",
		"forwarded_from: Info Kerja Asia",
		"5 source files checked, 0 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Shipped sources point at no site unasked.
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if !strings.Contains(string(data), "enabled: false") {
			t.Errorf("%s is enabled: a fresh run would crawl the internet", f)
		}
	}
}

func TestSourcesCheckReportsFileLineKey(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: bad\nkind: feed\nstart_urls: [\"https://x.example/f\"]\nintervall: 1h\n"), 0o644)
	empty := filepath.Join(dir, "nothing.yaml")
	os.WriteFile(empty, []byte("name: nothing\nstart_urls: [\"https://x.example/\"]\nlist: {items: div.none}\nitem: {title: h1}\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "samples"), 0o755)
	os.WriteFile(filepath.Join(dir, "samples", "nothing.html"), []byte("<h1>No items here</h1>"), 0o644)
	code, out, _ := runCmd(t, "sources", "check", "--set", "crawler.sources="+dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		bad + `:4: intervall: unknown key (did you mean "interval"?)`,
		`problem [selector]: list.items "div.none" matched nothing on the page`,
		"2 source files checked, 2 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
