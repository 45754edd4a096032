package crawler

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestIsPrivate(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "127.9.9.9": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fc00::1": true, "224.0.0.1": true, "ff02::1": true,
		"0.0.0.0": true, "0.1.2.3": true, "::": true, "100.64.0.1": true, "255.255.255.255": true,
		"::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true,
		"8.8.8.8": false, "1.1.1.1": false, "2606:4700:4700::1111": false, "149.154.167.99": false,
	} {
		if got := isPrivate(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPrivate(%s) = %v, want %v", addr, got, want)
		}
	}
}

// Without allow_private, a source cannot reach loopback, by address or by
// a name that resolves to it, and the server never sees a request.
func TestGuardRefusesLoopback(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("<h1 class=t>secret</h1>")) })
	srv, hits := serve(t, mux)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	for _, base := range []string{srv.URL, "http://localhost:" + port} {
		s := mustSource(t, base, "name: ssrf\nstart_urls: [\"{{base}}/admin\"]\nlist: {items: h1}\nitem: {title: h1}\n")
		r := newRig(t, Config{}, "", s)
		r.once(t, s)
		if r.errorsOf("ssrf", ReasonPrivate) != 1 || len(r.pub.got()) != 0 {
			t.Errorf("%s: not refused; logs:\n%s", base, r.logs)
		}
	}
	if len(hits.n) != 0 {
		t.Fatalf("the server was reached: %v", hits.n)
	}
	// The fetcher's error is the sentinel, for callers that act on it.
	r := newRig(t, Config{}, "")
	_, err := r.c.fetch.get(context.Background(), srv.URL+"/", fetchOptions{})
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("err = %v, want ErrPrivateAddress", err)
	}
}

// The guard sits in the dialer, so it also stops a redirect from an
// allowed address to a refused one. Here 127.0.0.1 stands for a public
// site and 127.0.0.2 for an internal one.
func TestGuardHoldsOnRedirect(t *testing.T) {
	inner := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("metadata"))
	}))
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.2: %v", err)
	}
	inner.Listener = ln
	inner.Start()
	defer inner.Close()
	innerHit := false
	inner.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { innerHit = true })
	outer := httptest.NewServer(http.RedirectHandler(inner.URL+"/latest/meta-data/", http.StatusFound))
	defer outer.Close()

	r := newRig(t, Config{}, "")
	r.c.fetch = newFetcher(&r.c.cfg, r.clock, guard{denied: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.2") }})
	_, err = r.c.fetch.get(context.Background(), outer.URL+"/", fetchOptions{})
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("redirect to a refused address: err = %v", err)
	}
	if innerHit {
		t.Fatal("the refused server was reached")
	}
	// The same fetcher reaches the allowed address itself.
	if _, err := r.c.fetch.get(context.Background(), outer.URL+"/", fetchOptions{allowPrivate: true}); err != nil {
		t.Fatalf("allow_private: %v", err)
	}
}
