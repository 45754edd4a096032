package crawler

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// A 503 and a 429 are retried, the 429's Retry-After is honoured, and the
// page is read on the third try.
func TestRetryHonoursRetryAfter(t *testing.T) {
	var mu sync.Mutex
	tries := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jobs/", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		tries++
		n := tries
		mu.Unlock()
		switch n {
		case 1:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "42")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		default:
			w.Write([]byte(`<div class="ad"><h1>Driver wanted</h1></div>`))
		}
	})
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, "name: r\nallow_private: true\nstart_urls: [\"{{base}}/jobs/\"]\nlist: {items: div.ad}\nitem: {title: h1}\n")
	r := newRig(t, Config{Backoff: time.Second, MaxBackoff: time.Minute}, "", s)
	r.once(t, s)
	if tries != 3 || len(r.pub.got()) != 1 {
		t.Fatalf("%d tries, %d ads; logs:\n%s", tries, len(r.pub.got()), r.logs)
	}
	waits := r.clock.waits()
	if len(waits) != 2 {
		t.Fatalf("waits %v, want two", waits)
	}
	// First: backoff of 1s with jitter (0.5s to 1s). Second: Retry-After.
	if waits[0] < 500*time.Millisecond || waits[0] > time.Second || waits[1] != 42*time.Second {
		t.Fatalf("waits %v, want ~1s then 42s", waits)
	}
	if got := testutilRetries(r, "r"); got != 2 {
		t.Errorf("retries metric = %v", got)
	}
}

// A 404 is final: no retry. Retries that run out are counted and logged.
func TestRetryGivesUp(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /gone", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("GET /down", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusBadGateway) })
	srv, hits := serve(t, mux)
	s := mustSource(t, srv.URL, "name: g\nallow_private: true\nstart_urls: [\"{{base}}/gone\", \"{{base}}/down\"]\nlist: {items: h1}\nitem: {title: h1}\n")
	r := newRig(t, Config{Retries: 3}, "", s)
	r.once(t, s)
	if hits.get("/gone") != 1 || hits.get("/down") != 4 {
		t.Fatalf("hits %v: want /gone once and /down 1+3 times", hits.n)
	}
	if r.errorsOf("g", ReasonStatus) != 2 || !strings.Contains(r.logs.String(), "gave up after 4 tries") {
		t.Fatalf("logs:\n%s", r.logs)
	}
	// Exponential: each wait at least half of 2s·2^n.
	for i, w := range r.clock.waits() {
		if min := time.Second << i; w < min || w > 2*min {
			t.Errorf("wait %d = %v, want between %v and %v", i, w, min, 2*min)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"120": 2 * time.Minute, "": 0, "soon": 0, "Thu, 26 Nov 2026 03:01:30 GMT": 90 * time.Second,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
