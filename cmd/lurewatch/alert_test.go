package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/alert"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code = realMain(context.Background(), args, e)
	return code, out.String(), errb.String()
}

func TestAlertTestCommand(t *testing.T) {
	code, out, errs := runCLI(t, "", "alert", "test", "--demo", "--ad", "../../alert/testdata/flagged-ad.json",
		"--set", "http.listen=127.0.0.1:8481")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"nationalities ID",
		"-> route indonesia (nationality=ID) -> receiver demo-indonesia-kbri [file], language id",
		"[lurewatch] 1 iklan lowongan kerja mencurigakan baru",
		"Buka di lurewatch: http://127.0.0.1:8481/ads/5b0c2f0e9d1a4c7e8f6a3b2d1c0e9f8a",
		"-> route high-risk (level=>=high) -> receiver demo-analyst-desk",
		"[Tanpa pengalaman]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Starting below the root: only that subtree is tried.
	code, out, _ = runCLI(t, "", "alert", "test", "--demo", "--route", "vietnam", "--format", "none", "--ad", "../../alert/testdata/flagged-ad.json")
	if code != 0 || !strings.Contains(out, "no receiver") {
		t.Errorf("--route vietnam: exit %d\n%s", code, out)
	}
}

func TestAlertTestCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"alert", "test", "--demo"}, "", "--ad is required"},
		{[]string{"alert", "test", "--demo", "--ad", "-"}, `{"id": "x"}`, "invalid ad"},
		{[]string{"alert", "test", "--demo", "--route", "atlantis", "--ad", "../../alert/testdata/flagged-ad.json"}, "", `no route is named "atlantis"`},
		{[]string{"alert", "test", "--rules", "../../alert/testdata/bad-level.yaml", "--ad", "../../alert/testdata/flagged-ad.json"}, "", `route.routes[0].match.level`},
	} {
		code, _, errs := runCLI(t, c.stdin, c.args...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want it to say %q", c.args, code, errs, c.want)
		}
	}
}

// With no alerter running, silences are kept in the outbox directly.
func TestAlertSilenceWithoutAlerter(t *testing.T) {
	dir := t.TempDir()
	// Nothing listens on this port: the CLI falls back to the outbox.
	set := []string{"--set", "data_dir=" + dir, "--set", "http.listen=127.0.0.1:1"}
	code, out, errs := runCLI(t, "", append([]string{"alert", "silence", "add", "--match", "nationality=PH", "--reason", "office closed for the holiday", "--creator", "ops", "--for", "48h"}, set...)...)
	if code != 0 || !strings.Contains(out, "nationality=PH for every receiver") {
		t.Fatalf("add: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "", append([]string{"alert", "silence", "list"}, set...)...)
	if code != 0 || !strings.Contains(out, "active") || !strings.Contains(out, "office closed for the holiday") {
		t.Fatalf("list: exit %d\n%s%s", code, out, errs)
	}
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	code, out, errs = runCLI(t, "", append([]string{"alert", "silence", "expire", id}, set...)...)
	if code != 0 || !strings.Contains(out, "expired") {
		t.Fatalf("expire: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = runCLI(t, "", append([]string{"alert", "silence", "add", "--reason", "r", "--creator", "c"}, set...)...)
	if code == 0 || !strings.Contains(errs, "--for") {
		t.Errorf("add without --for: exit %d %s", code, errs)
	}
}

// `lurewatch run --demo` delivers alerts to the demo's file sink with no
// setup, and serves the alert API and metrics beside the UI.
func TestRunDemoDeliversAlerts(t *testing.T) {
	httpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	data := t.TempDir()
	args := append([]string{"run", "--demo"}, testSettings(t, httpAddr)...)
	args = append(args, "--set", "data_dir="+data, "--set", "kafka.embedded_port="+strconv.Itoa(freePort(t)))
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	go func() { done <- realMain(ctx, args, testEnv(&out)) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("run exited %d after a clean stop:\n%s", code, out.String())
		}
	}()
	log := filepath.Join(data, "alerts", "demo.log")
	var text string
	waitFor(t, "alerts in "+log, 90*time.Second, func() bool {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("run exited %d early:\n%s", code, out.String())
		default:
		}
		b, _ := os.ReadFile(log)
		text = string(b)
		// Offices addressed by nationality may be told before the analyst
		// desk; wait for the desk too, whose delivery the metrics check.
		return strings.Contains(text, "=== ") && strings.Contains(text, "Open in lurewatch: http://"+httpAddr+"/ads/") &&
			strings.Contains(text, "to demo-analyst-desk (file)")
	})
	if !strings.Contains(out.String(), "tail -f "+log) {
		t.Errorf("the demo banner does not say where alerts arrive:\n%s", out.String())
	}
	if !strings.Contains(text, "[lurewatch] ") || !strings.Contains(text, "to demo-analyst-desk (file)") {
		t.Errorf("demo.log:\n%s", text)
	}
	base := "http://" + httpAddr
	resp, err := http.Get(base + "/api/alerts/status")
	if err != nil {
		t.Fatal(err)
	}
	var st alert.Status
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil || len(st.Integrations) != 5 {
		t.Errorf("alert status: %+v, %v", st, err)
	}
	// The delivery is counted just after the notifier returns, so the count
	// may trail the line in the file by a moment.
	waitFor(t, "alert delivery counts on /metrics", 30*time.Second, func() bool {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			return false
		}
		metrics, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return strings.Contains(string(metrics), `lurewatch_alert_sent_total{integration="file",receiver="demo-analyst-desk"}`)
	})
	// The UI still answers beside the alert API.
	if _, err := searchAPI(base, "sihanoukville"); err != nil {
		t.Errorf("search API beside the alert API: %v", err)
	}
}
