package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// flagged builds a flagged ad the way the classifier does.
func flagged(id string, mod func(*ad.Flagged)) *ad.Flagged {
	f := &ad.Flagged{Raw: ad.Raw{
		ID: id, Source: "demo-board", Platform: "jobboard", URL: "http://board.test/jobs/" + id,
		FetchedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
		Title:     "Customer service staff in Sihanoukville " + id,
		Body:      "No experience needed! Free flight ticket and visa. Contact Telegram @hr_" + id,
		Location:  "Sihanoukville, Cambodia", Salary: "USD 1,500 / month", Lang: "en",
		Contacts: []string{"Telegram @hr_" + id},
	}}
	f.Verdict = ad.Verdict{
		Score: 8, Level: ad.LevelHigh, Flagged: true, Category: "trafficking-lure",
		Hits: []ad.Hit{{Rule: "scam-hub-destination", Weight: 3, Description: "Names a scam hub.",
			Spans: []ad.Span{{Field: "title", Start: 26, End: 39, OrigStart: 26, OrigEnd: 39, Text: "Sihanoukville"}}}},
		Extracted: ad.Extracted{
			Places: []string{"Sihanoukville"}, Countries: []string{"KH"}, Languages: []string{"en"},
			Contacts:      []ad.Contact{{Kind: "telegram", Value: "@hr_" + id}},
			Nationalities: []string{"ID"},
		},
	}
	if mod != nil {
		mod(f)
	}
	f.Seal()
	return f
}

// hook is a real HTTP receiver of signed webhooks. It checks every
// signature and records each delivery by its id.
type hook struct {
	t      *testing.T
	srv    *httptest.Server
	secret []byte

	mu       sync.Mutex
	status   int                 // answer when not 200; 0 means 200
	block    chan struct{}       // when set, requests wait for it to close
	entered  chan struct{}       // signalled when a request starts waiting
	left     chan struct{}       // signalled when a waiting request sees its client gone
	requests int                 // every request, failed ones too
	byID     map[string][]string // delivery id -> ad ids, from the last accepted copy
	copies   map[string]int      // delivery id -> accepted copies
	order    []string            // ad ids in the order they were accepted
	payloads []WebhookPayload
}

func newHook(t *testing.T, secret string) *hook {
	h := &hook{t: t, secret: []byte(secret), byID: map[string][]string{}, copies: map[string]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.requests++
	block, entered, left, status := h.block, h.entered, h.left, h.status
	h.mu.Unlock()
	if block != nil {
		if entered != nil {
			entered <- struct{}{}
		}
		select {
		case <-block:
		case <-r.Context().Done():
			if left != nil {
				left <- struct{}{}
			}
			return
		}
	}
	if !VerifySignature(h.secret, r.Header.Get(HeaderTimestamp), body, r.Header.Get(HeaderSignature)) {
		h.t.Errorf("webhook signature does not verify: %q", r.Header.Get(HeaderSignature))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if status != 0 {
		w.WriteHeader(status)
		return
	}
	var p WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		h.t.Errorf("webhook body is not a payload: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if p.ID != r.Header.Get(HeaderDelivery) {
		h.t.Errorf("delivery header %q, body id %q", r.Header.Get(HeaderDelivery), p.ID)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var ids []string
	for _, it := range p.Ads {
		ids = append(ids, it.AdID)
	}
	if prev, ok := h.byID[p.ID]; ok && fmt.Sprint(prev) != fmt.Sprint(ids) {
		h.t.Errorf("delivery %s came twice with different ads: %v then %v", p.ID, prev, ids)
	}
	if _, ok := h.byID[p.ID]; !ok {
		h.order = append(h.order, ids...)
		h.payloads = append(h.payloads, p)
	}
	h.byID[p.ID] = ids
	h.copies[p.ID]++
	w.WriteHeader(http.StatusOK)
}

// cutOff arms the hook to hold the next request until its client hangs up.
func (h *hook) cutOff() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.block, h.entered, h.left = make(chan struct{}), make(chan struct{}, 1), make(chan struct{}, 1)
}

// release waits until the held request has seen its client go, so that the
// server can never record it, then lets requests through again.
func (h *hook) release() {
	h.t.Helper()
	select {
	case <-h.left:
	case <-time.After(30 * time.Second):
		h.t.Fatal("the held webhook request never saw its client hang up")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	close(h.block)
	h.block, h.entered, h.left = nil, nil, nil
}

func (h *hook) setStatus(s int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status = s
}

// ads returns how many distinct deliveries carried each ad.
func (h *hook) ads() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for _, ids := range h.byID {
		for _, id := range ids {
			out[id]++
		}
	}
	return out
}

func (h *hook) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.order...)
}

// hookRules routes every ad to one webhook receiver.
func hookRules(t *testing.T, url, extra string) *Rules {
	t.Helper()
	t.Setenv("TEST_HOOK_SECRET", "s3cret")
	y := fmt.Sprintf(`
receivers:
  - name: office
    language: en
    webhook: {url: %q, secret_env: TEST_HOOK_SECRET}
route:
  receiver: office
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
%s`, url, extra)
	r, err := ParseRules("test", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type testAlerter struct {
	*Alerter
	reg *prometheus.Registry
}

func newTestAlerter(t *testing.T, dir string, rules *Rules, clock Clock, opts ...Option) *testAlerter {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg := Config{Dir: dir, UIBaseURL: "http://ui.test", RetryMin: time.Second, RetryMax: time.Minute, MaxFailures: 3}
	a, err := New(cfg, rules, append([]Option{WithClock(clock), WithRegisterer(reg)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &testAlerter{Alerter: a, reg: reg}
}

func (a *testAlerter) accept(t *testing.T, ads ...*ad.Flagged) {
	t.Helper()
	if err := a.Accept(context.Background(), ads); err != nil {
		t.Fatal(err)
	}
}

func (a *testAlerter) stepOK(t *testing.T) {
	t.Helper()
	if err := a.step(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (a *testAlerter) close(t *testing.T) {
	t.Helper()
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func gauge(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	return testutil.ToFloat64(c)
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o600) }

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// syncBuffer is a log sink that goroutines may share.
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
