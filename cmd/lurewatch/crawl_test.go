package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/lurewatch/lurewatch/demo"
	"github.com/lurewatch/lurewatch/pkg/bus/bustest"
)

// `lurewatch crawl --once --source NAME` crawls the demo board into an
// embedded broker and prints its progress line; a second run finds nothing
// new in the state it left.
func TestCrawlOnce(t *testing.T) {
	tmp := t.TempDir()
	broker, err := bustest.Embedded(filepath.Join(tmp, "broker"))
	if err != nil {
		t.Fatal(err)
	}
	defer broker.Stop()
	site, err := demo.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close(context.Background())
	sources := filepath.Join(tmp, "sources")
	os.MkdirAll(sources, 0o755)
	for name, data := range demo.Sources(site.URL()) {
		os.WriteFile(filepath.Join(sources, name), data, 0o644)
	}
	args := []string{"crawl", "--once", "--source", "demo-board",
		"--set", "crawler.sources=" + sources, "--set", "kafka.brokers=" + broker.Addr,
		"--set", "data_dir=" + filepath.Join(tmp, "data"), "--set", "http.listen=127.0.0.1:0"}
	code, out, errOut := runCmd(t, args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	done := regexp.MustCompile(`demo-board: done: (\d+) pages \(0 unchanged\), 20 ads \(20 new, 0 changed\), 0 errors, [\d.]+ pages/s`)
	if !done.MatchString(out) {
		t.Fatalf("no final progress line:\n%s", out)
	}
	code, out, errOut = runCmd(t, args...)
	if code != 0 || !regexp.MustCompile(`demo-board: done: 1 pages \(\d unchanged\), 0 ads \(0 new`).MatchString(out) {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errOut)
	}
}
