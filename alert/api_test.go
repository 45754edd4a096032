package alert

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func apiDo(t *testing.T, h http.Handler, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// A silence made through the API mutes matching ads for its receiver until
// it expires; expiring it lets later ads through again.
func TestSilencesThroughTheAPI(t *testing.T) {
	h := newHook(t, "s3cret")
	clock := newFakeClock()
	a := newTestAlerter(t, t.TempDir(), hookRules(t, h.srv.URL, ""), clock)
	defer a.close(t)
	api := a.Handler()

	code, body := apiDo(t, api, "POST", "/api/alerts/silences", "", SilenceRequest{Match: Match{Source: []string{"demo-board"}}, Creator: "ana", Duration: "2h"})
	if code != http.StatusBadRequest || !strings.Contains(string(body), "reason: a silence needs a reason") {
		t.Errorf("silence without reason: %d %s", code, body)
	}
	code, body = apiDo(t, api, "POST", "/api/alerts/silences", "", SilenceRequest{Receiver: "nobody", Reason: "r", Creator: "ana", Duration: "1h"})
	if code != http.StatusBadRequest || !strings.Contains(string(body), `no receiver is named \"nobody\"`) {
		t.Errorf("silence for an unknown receiver: %d %s", code, body)
	}
	code, body = apiDo(t, api, "POST", "/api/alerts/silences", "", SilenceRequest{
		Match: Match{Source: []string{"demo-board"}, Level: ">=high"}, Receiver: "office",
		Reason: "demo board is a test fixture", Creator: "ana", Duration: "2h",
	})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var sv SilenceView
	if err := json.Unmarshal(body, &sv); err != nil || sv.ID == "" || sv.State != SilenceActive || !sv.EndsAt.Equal(clock.Now().Add(2*time.Hour)) {
		t.Fatalf("created %+v (%v)", sv, err)
	}

	other := flagged("other-source", func(f *ad.Flagged) { f.Source = "tg-channel" })
	a.accept(t, flagged("muted", nil), other)
	clock.Add(time.Minute)
	a.stepOK(t)
	wantEachOnce(t, h, []string{"other-source"})
	if n := gauge(t, a.metrics.suppressed.WithLabelValues("office", SuppressSilenced)); n != 1 {
		t.Errorf("silenced = %v, want 1", n)
	}

	code, body = apiDo(t, api, "DELETE", "/api/alerts/silences/"+sv.ID, "", nil)
	if code != http.StatusOK || !strings.Contains(string(body), `"state": "expired"`) {
		t.Fatalf("expire: %d %s", code, body)
	}
	if code, _ := apiDo(t, api, "DELETE", "/api/alerts/silences/nope", "", nil); code != http.StatusNotFound {
		t.Errorf("expire unknown: %d", code)
	}
	a.accept(t, flagged("after", nil))
	clock.Add(10 * time.Minute)
	a.stepOK(t)
	wantEachOnce(t, h, []string{"other-source", "after"})

	code, body = apiDo(t, api, "GET", "/api/alerts/silences", "", nil)
	var list []SilenceView
	if err := json.Unmarshal(body, &list); code != 200 || err != nil || len(list) != 1 || list[0].Creator != "ana" || list[0].State != SilenceExpired {
		t.Errorf("list: %d %s", code, body)
	}
	code, body = apiDo(t, api, "GET", "/api/alerts/status", "", nil)
	if code != 200 || !strings.Contains(string(body), `"receiver": "office"`) {
		t.Errorf("status: %d %s", code, body)
	}
}

func TestAPIToken(t *testing.T) {
	h := newHook(t, "s3cret")
	t.Setenv("TEST_ALERT_API_TOKEN", "tok")
	cfg := Config{Dir: t.TempDir(), APITokenEnv: "TEST_ALERT_API_TOKEN"}
	a, err := New(cfg, hookRules(t, h.srv.URL, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(t.Context())
	api := a.Handler()
	if code, _ := apiDo(t, api, "GET", "/api/alerts/silences", "", nil); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	if code, _ := apiDo(t, api, "GET", "/api/alerts/silences", "wrong", nil); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", code)
	}
	if code, _ := apiDo(t, api, "GET", "/api/alerts/silences", "tok", nil); code != http.StatusOK {
		t.Errorf("right token: %d", code)
	}
}

// The CLI opens the outbox itself when no alerter runs, and is told
// plainly when one does.
func TestOpenSilencesLocked(t *testing.T) {
	h := newHook(t, "s3cret")
	dir := t.TempDir()
	a := newTestAlerter(t, dir, hookRules(t, h.srv.URL, ""), newFakeClock())
	if _, err := OpenSilences(dir); err == nil || !strings.Contains(err.Error(), ErrLocked.Error()) {
		t.Errorf("open while the alerter runs: %v", err)
	}
	a.close(t)
	s, err := OpenSilences(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sil := &Silence{Receiver: "office", Reason: "maintenance", Creator: "ops", EndsAt: time.Now().Add(time.Hour)}
	if err := s.Add(sil); err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil || len(list) != 1 || list[0].ID != sil.ID {
		t.Errorf("list = %+v, %v", list, err)
	}
}

func TestSilenceValidation(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for want, s := range map[string]Silence{
		"creator: a silence needs a creator": {Reason: "r", Receiver: "x", EndsAt: now.Add(time.Hour)},
		"ends_at: a silence needs an expiry": {Reason: "r", Creator: "c", Receiver: "x"},
		"ends_at: is in the past":            {Reason: "r", Creator: "c", Receiver: "x", StartsAt: now.Add(-2 * time.Hour), EndsAt: now.Add(-time.Hour)},
		"ends_at: a silence lasts at most":   {Reason: "r", Creator: "c", Receiver: "x", EndsAt: now.Add(100 * 24 * time.Hour)},
		"mutes everything":                   {Reason: "r", Creator: "c", EndsAt: now.Add(time.Hour)},
	} {
		err := s.validate(now)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: err = %v, want %q", s, err, want)
		}
	}
}
