package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
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
