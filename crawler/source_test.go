package crawler

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every refusal names the file, the line and the key.
func TestParseSourceErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", "name: a\nstart_urls: [\"https://x.example/\"]\nlist: {items: li}\nitem:\n  titel: h1\n", `bad.yaml:5: item.titel: unknown key (did you mean "title"?)`},
		{"wrong type", "name: a\ninterval: often\n", `bad.yaml:2: interval: "often" is not a duration`},
		{"unknown kind", "name: a\nkind: rss\n", `bad.yaml:2: kind: "rss" is not a known kind (feed, file, html, json, telegram)`},
		{"no name", "kind: feed\nstart_urls: [\"https://x.example/f\"]\n", `bad.yaml: name: is required`},
		{"bad url", "name: a\nkind: feed\nstart_urls:\n  - https://x.example/f\n  - ftp://x.example/f\n", `bad.yaml:5: start_urls[1]: "ftp://x.example/f" is not an http(s) URL`},
		{"robots without reason", "name: a\nkind: feed\nstart_urls: [\"https://x.example/f\"]\nrobots:\n  ignore: true\n", `bad.yaml:4: robots.reason: is required when robots.ignore is true`},
		{"section of another kind", "name: a\nkind: feed\nstart_urls: [\"https://x.example/f\"]\ntelegram: {channel: abcd}\n", `bad.yaml:4: telegram: belongs to kind telegram, but this source is kind feed`},
		{"bad selector", "name: a\nstart_urls: [\"https://x.example/\"]\nlist: {items: li}\nitem:\n  title: \"h1[\"\n", `bad.yaml:5: item.title: "h1[" is not a valid CSS selector`},
		{"bad timezone", "name: a\nkind: feed\nstart_urls: [\"https://x.example/f\"]\ntimezone: Mars/Olympus\n", `bad.yaml:4: timezone: "Mars/Olympus" is not an IANA time zone`},
		{"bad channel", "name: a\nkind: telegram\ntelegram:\n  channel: \"t.me/x\"\n", `bad.yaml:4: telegram.channel: "t.me/x" is not a channel username`},
		{"json without fields", "name: a\nkind: json\nstart_urls: [\"https://x.example/api\"]\njson:\n  items: data\n", `bad.yaml:4: json.fields: map at least title or body`},
		{"file format", "name: a\nkind: file\nfile:\n  paths: [x.xlsx]\n  fields: {body: text}\n", `bad.yaml:4: file.paths[0]: "x.xlsx" has no .jsonl, .ndjson, .csv or .tsv extension`},
		{"duplicate key", "name: a\nname: b\n", `bad.yaml:2: name: is set twice`},
		{"syntax", "name: [a\n", `bad.yaml:1: did not find expected ',' or ']'`},
		{"empty", "", `bad.yaml: the file is empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSource("bad.yaml", []byte(tc.yaml))
			var se *SourceError
			if err == nil || !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SourceError", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %q\nwant prefix %q", err, tc.want)
			}
		})
	}
}

func TestLoadSourcesRefusesDuplicateNames(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.yaml", "b.yaml"} {
		os.WriteFile(filepath.Join(dir, f), []byte("name: same\nkind: feed\nstart_urls: [\"https://x.example/f\"]\n"), 0o644)
	}
	_, err := LoadSources(dir)
	if err == nil || !strings.Contains(err.Error(), "b.yaml:1: name: \"same\" is already the name of") {
		t.Fatalf("err = %v", err)
	}
}

func TestSelectorAttributes(t *testing.T) {
	for src, want := range map[string][2]string{
		"a.apply@href":        {"a.apply", "href"},
		"@data-id":            {"", "data-id"},
		"time":                {"time", ""},
		`a[href*="@"]`:        {`a[href*="@"]`, ""},
		"div.contact a@title": {"div.contact a", "title"},
	} {
		s, err := compileSelector("k", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if (s.m != nil) != (want[0] != "") || s.attr != want[1] {
			t.Errorf("%s: matcher %v attr %q, want css %q attr %q", src, s.m != nil, s.attr, want[0], want[1])
		}
	}
}
