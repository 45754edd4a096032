package crawler

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRobotsRules(t *testing.T) {
	txt := `
# comments are ignored
User-agent: Googlebot
Disallow: /

User-agent: lurewatch
User-agent: otherbot
Disallow: /private/
Allow: /private/jobs/
Disallow: /*.pdf$
Disallow: /search?q=
Crawl-delay: 5

User-agent: *
Disallow: /
Sitemap: https://example.com/sitemap.xml
`
	r := parseRobots([]byte(txt), "lurewatch")
	for path, want := range map[string]bool{
		"/":                   true,
		"/jobs/1":             true,
		"/private/x":          false,
		"/private/jobs/1":     true, // the longer allow wins
		"/files/list.pdf":     false,
		"/files/list.pdf?x=1": true, // $ anchors the end
		"/search?q=jobs":      false,
		"/search":             true,
	} {
		if got := r.allowed(path); got != want {
			t.Errorf("allowed(%q) = %v, want %v", path, got, want)
		}
	}
	if r.delay != 5*time.Second {
		t.Errorf("crawl-delay = %v", r.delay)
	}
	// An agent with no group of its own falls back to *.
	if parseRobots([]byte(txt), "somebot").allowed("/jobs/1") {
		t.Error("the * group does not apply to an unnamed agent")
	}
	if !parseRobots(nil, "lurewatch").allowed("/anything") {
		t.Error("an empty robots.txt disallows")
	}
	if productToken("lurewatch/0.1 (+https://example.org)") != "lurewatch" {
		t.Error("product token")
	}
}

func robotsBoard(t *testing.T, robots string, status int) (*http.ServeMux, string) {
	mux := boardMux(t)
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(robots))
	})
	return mux, boardYAML
}

// robots.txt is obeyed: the disallowed item page is never requested, and
// the refusal is logged and counted.
func TestRobotsDisallowIsObeyed(t *testing.T) {
	mux, yml := robotsBoard(t, "User-agent: *\nDisallow: /jobs/ad/102\nCrawl-delay: 3\n", http.StatusOK)
	srv, hits := serve(t, mux)
	s := mustSource(t, srv.URL, yml)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	if hits.get("/jobs/ad/102-typing-job?utm_source=fb") != 0 {
		t.Fatal("a page disallowed by robots.txt was fetched")
	}
	if len(r.pub.got()) != 2 || r.errorsOf("angkor-jobs", ReasonRobots) != 1 || !strings.Contains(r.logs.String(), "disallowed by robots.txt") {
		t.Fatalf("got %d ads; logs:\n%s", len(r.pub.got()), r.logs)
	}
	if hits.get("/robots.txt") != 1 {
		t.Errorf("robots.txt fetched %d times in one pass, want 1 (cached)", hits.get("/robots.txt"))
	}
	// Crawl-delay spaces the requests even though the host's delay is 0.
	for _, w := range r.clock.waits() {
		if w != 3*time.Second {
			t.Fatalf("waits %v, want 3s each", r.clock.waits())
		}
	}
	if len(r.clock.waits()) < 3 { // robots.txt and the first list page go first
		t.Fatalf("waits %v: the crawl-delay was not applied", r.clock.waits())
	}
}

func TestRobotsOptOutNeedsAReason(t *testing.T) {
	mux, yml := robotsBoard(t, "User-agent: *\nDisallow: /\n", http.StatusOK)
	srv, hits := serve(t, mux)
	_, err := ParseSource("x.yaml", []byte(strings.ReplaceAll(yml, "{{base}}", srv.URL)+"robots: {ignore: true}\n"))
	if err == nil || !strings.Contains(err.Error(), "robots.reason: is required") {
		t.Fatalf("opt-out without a reason: err = %v", err)
	}
	s := mustSource(t, srv.URL, yml+"robots: {ignore: true, reason: \"written permission from the board, 2026-10-01\"}\n")
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	if len(r.pub.got()) != 3 || hits.get("/robots.txt") != 0 {
		t.Fatalf("opted-out source: %d ads, robots.txt fetched %d times", len(r.pub.got()), hits.get("/robots.txt"))
	}
}

func TestRobotsStatus(t *testing.T) {
	for _, tc := range []struct {
		status int
		ads    int
	}{
		{http.StatusNotFound, 3},           // no robots.txt: all allowed
		{http.StatusServiceUnavailable, 0}, // unreachable: keep out
	} {
		mux, yml := robotsBoard(t, "", tc.status)
		srv, _ := serve(t, mux)
		s := mustSource(t, srv.URL, yml)
		r := newRig(t, Config{Retries: 1}, "", s)
		r.once(t, s)
		if len(r.pub.got()) != tc.ads {
			t.Errorf("robots.txt %d: %d ads, want %d; logs:\n%s", tc.status, len(r.pub.got()), tc.ads, r.logs)
		}
	}
}
