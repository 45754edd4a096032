package crawler

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Requests to one host are spaced by its delay: the server reads the fake
// clock on each request and sees them 2s apart, in order.
func TestHostDelaySpacesRequests(t *testing.T) {
	var mu sync.Mutex
	var at []time.Time
	var clock *fakeClock
	mux := boardMux(t)
	srv, _ := serve(t, http.NewServeMux())
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		at = append(at, clock.Now())
		mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
	s := mustSource(t, srv.URL, boardYAML)
	r := newRig(t, Config{Delay: 2 * time.Second, Workers: 4}, "", s)
	clock = r.clock
	r.once(t, s)
	if len(at) != 6 {
		t.Fatalf("%d requests, want 6 (robots.txt, 2 lists, 3 items)", len(at))
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < 2*time.Second {
			t.Fatalf("request %d came %v after the one before, want at least 2s: %v", i, gap, at)
		}
	}
}

// A source's own delay replaces the host's, and a robots.txt Crawl-delay
// still wins over both (see TestRobotsDisallowIsObeyed).
func TestSourceDelay(t *testing.T) {
	srv, _ := serve(t, boardMux(t))
	s := mustSource(t, srv.URL, boardYAML+"delay: 250ms\n")
	r := newRig(t, Config{Delay: 5 * time.Second}, "", s)
	r.once(t, s)
	for _, w := range r.clock.waits() {
		if w != 250*time.Millisecond {
			t.Fatalf("waits %v, want 250ms each", r.clock.waits())
		}
	}
}

// At most concurrency requests run at once on a host, however many workers
// the crawler has. The handler holds each request until a third one
// arrives (or a while passes), so that a missing limit shows as three at
// once.
func TestHostConcurrencyLimit(t *testing.T) {
	var mu sync.Mutex
	inflight, peak := 0, 0
	arrived := make(chan struct{}, 100)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jobs/", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "<ul>")
		for i := range 8 {
			fmt.Fprintf(w, `<li><a class="l" href="/ad/%d">ad</a></li>`, i)
		}
		fmt.Fprint(w, "</ul>")
	})
	mux.HandleFunc("GET /ad/{n}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		peak = max(peak, inflight)
		n := inflight
		mu.Unlock()
		arrived <- struct{}{}
		if n < 3 {
			// Wait for company; a third request would mean the limit broke.
			timer := time.NewTimer(200 * time.Millisecond)
			select {
			case <-timer.C:
			case <-r.Context().Done():
			}
			timer.Stop()
		}
		mu.Lock()
		inflight--
		mu.Unlock()
		fmt.Fprintf(w, `<h1>Ad %s</h1>`, r.PathValue("n"))
	})
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, "name: c\nallow_private: true\nstart_urls: [\"{{base}}/jobs/\"]\nlist: {item_links: a.l}\nitem: {title: h1}\n")
	r := newRig(t, Config{Workers: 8, Hosts: []HostRule{{Host: "127.0.0.1:*", Delay: 0, Concurrency: 2}}}, "", s)
	r.once(t, s)
	if len(r.pub.got()) != 8 {
		t.Fatalf("%d ads, want 8", len(r.pub.got()))
	}
	if peak != 2 {
		t.Fatalf("peak concurrency %d, want 2", peak)
	}
}

func TestPoliteness(t *testing.T) {
	cfg := Config{Hosts: []HostRule{{Host: "t.me", Delay: 5 * time.Second, Concurrency: 1}, {Host: "*.example.com", Delay: time.Second}}}
	cfg.Defaults()
	for host, want := range map[string]struct {
		d time.Duration
		n int
	}{
		"t.me": {5 * time.Second, 1}, "t.me:443": {5 * time.Second, 1}, "jobs.example.com": {time.Second, 1},
		"example.org": {2 * time.Second, 1},
	} {
		d, n := cfg.politeness(host)
		if d != want.d || n != want.n {
			t.Errorf("politeness(%s) = %v, %d; want %v, %d", host, d, n, want.d, want.n)
		}
	}
}
