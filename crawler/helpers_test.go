package crawler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// testNow is the fake clock's start: a Thursday morning in Phnom Penh.
var testNow = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC) // 10:00 at UTC+7

// fakeClock never waits: Sleep moves its time forward and records how long
// the crawler meant to wait.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: testNow} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if d > 0 {
		f.now = f.now.Add(d)
		f.sleeps = append(f.sleeps, d)
	}
	return nil
}

func (f *fakeClock) waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// memPublisher keeps what it is given; fail makes Publish refuse.
type memPublisher struct {
	mu   sync.Mutex
	ads  []*ad.Raw
	fail error
}

func (m *memPublisher) Publish(_ context.Context, ads []*ad.Raw) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, r := range ads {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	m.ads = append(m.ads, ads...)
	return nil
}

func (m *memPublisher) got() []*ad.Raw {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*ad.Raw(nil), m.ads...)
}

func (m *memPublisher) reset() {
	m.mu.Lock()
	m.ads = nil
	m.mu.Unlock()
}

// rig is a crawler under test with its collaborators.
type rig struct {
	c     *Crawler
	pub   *memPublisher
	clock *fakeClock
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newRig builds a crawler of the sources on a fake clock, with its state in
// stateFile ("" for a fresh one in a temp dir).
func newRig(t *testing.T, cfg Config, stateFile string, sources ...*Source) *rig {
	t.Helper()
	if stateFile == "" {
		stateFile = filepath.Join(t.TempDir(), "crawl-state.db")
	}
	cfg.StateFile = stateFile
	if cfg.Delay == 0 && cfg.Hosts == nil {
		// No politeness delay unless the test is about it: relative dates
		// then count from testNow exactly.
		cfg.Hosts = []HostRule{{Host: "*", Delay: 0}}
	}
	r := &rig{pub: &memPublisher{}, clock: newFakeClock(), logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(cfg, sources, r.pub, WithClock(r.clock), WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r.c = c
	return r
}

// once runs one pass and fails the test on error.
func (r *rig) once(t *testing.T, s *Source) Stats {
	t.Helper()
	st, err := r.c.Once(context.Background(), s)
	if err != nil {
		t.Fatalf("pass over %s: %v\nlogs:\n%s", s.Name, err, r.logs.String())
	}
	return st
}

// errorsOf is the value of lurewatch_crawler_errors_total for a reason.
func (r *rig) errorsOf(source, reason string) float64 {
	return testutil.ToFloat64(r.c.metrics.errors.WithLabelValues(source, reason))
}

// mustSource parses YAML, with {{base}} replaced by base.
func mustSource(t *testing.T, base, yml string) *Source {
	t.Helper()
	s, err := ParseSource("test.yaml", []byte(strings.ReplaceAll(yml, "{{base}}", base)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixture reads a file under testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// hits counts the requests of a test server by path (with query).
type hits struct {
	mu sync.Mutex
	n  map[string]int
}

func (h *hits) add(r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = map[string]int{}
	}
	h.n[r.URL.RequestURI()]++
}

func (h *hits) get(uri string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[uri]
}

// serve starts a test server of mux that counts requests and allows every
// robot unless mux has its own /robots.txt.
func serve(t *testing.T, mux *http.ServeMux) (*httptest.Server, *hits) {
	t.Helper()
	h := &hits{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		if _, pattern := mux.Handler(r); pattern == "" && r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nAllow: /\n"))
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, h
}

// serveFile answers with a testdata file.
func serveFile(t *testing.T, name, contentType string) http.HandlerFunc {
	data := fixture(t, name)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(data)
	}
}

func byPostID(ads []*ad.Raw) map[string]*ad.Raw {
	m := map[string]*ad.Raw{}
	for _, r := range ads {
		m[r.PostID] = r
	}
	return m
}

var errKafkaDown = errors.New("kafka is down")

func testutilRetries(r *rig, source string) float64 {
	return testutil.ToFloat64(r.c.metrics.retries.WithLabelValues(source))
}
