package alert

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"time"
)

// Silences keeps silences in an outbox database. The running Alerter has
// one (Alerter.Silences); the CLI opens one itself when no alerter runs.
type Silences struct {
	store *store
	clock Clock
	own   bool
}

// OpenSilences opens the outbox database in dir for managing silences,
// when no alerter has it open. ErrLocked means one has: use its API.
func OpenSilences(dir string) (*Silences, error) {
	st, err := openStore(dir)
	if err != nil {
		return nil, err
	}
	return &Silences{store: st, clock: systemClock{}, own: true}, nil
}

// Silences manages the alerter's silences.
func (a *Alerter) Silences() *Silences { return &Silences{store: a.store, clock: a.clock} }

// Close closes a database opened by OpenSilences.
func (s *Silences) Close() error {
	if s.own {
		return s.store.close()
	}
	return nil
}

// Add validates and stores a silence, filling its id and times.
func (s *Silences) Add(sil *Silence) error {
	now := s.clock.Now()
	return s.store.update(func(t *tx) error { return t.addSilence(sil, now) })
}

// List returns every silence, newest first.
func (s *Silences) List() ([]Silence, error) {
	var out []Silence
	err := s.store.view(func(t *tx) (err error) { out, err = t.silences(); return err })
	return out, err
}

// Expire ends a silence now.
func (s *Silences) Expire(id string) (*Silence, error) {
	var out *Silence
	now := s.clock.Now()
	err := s.store.update(func(t *tx) (err error) { out, err = t.expireSilence(id, now); return err })
	return out, err
}

// Now is the time silences are judged at.
func (s *Silences) Now() time.Time { return s.clock.Now() }

// SilenceRequest is the body of POST /api/alerts/silences. Give EndsAt or
// Duration ("24h").
type SilenceRequest struct {
	Match    Match     `json:"match"`
	Receiver string    `json:"receiver,omitempty"`
	Reason   string    `json:"reason"`
	Creator  string    `json:"creator"`
	StartsAt time.Time `json:"starts_at,omitzero"`
	EndsAt   time.Time `json:"ends_at,omitzero"`
	Duration string    `json:"duration,omitempty"`
}

// Silence turns the request into a silence, judged at now.
func (r *SilenceRequest) Silence(now time.Time) (*Silence, error) {
	s := &Silence{Match: r.Match, Receiver: r.Receiver, Reason: r.Reason, Creator: r.Creator, StartsAt: r.StartsAt, EndsAt: r.EndsAt}
	if r.Duration != "" {
		if !r.EndsAt.IsZero() {
			return nil, errors.New("give ends_at or duration, not both")
		}
		d, err := time.ParseDuration(r.Duration)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("duration: %q is not a positive duration such as 24h", r.Duration)
		}
		start := r.StartsAt
		if start.IsZero() {
			start = now
		}
		s.EndsAt = start.Add(d)
	}
	return s, nil
}

// SilenceView is a silence with its state, as the API lists it.
type SilenceView struct {
	Silence
	State string `json:"state"`
}

// Status is what waits for each integration, as GET /api/alerts/status
// and `lurewatch alert status` show it.
type Status struct {
	Integrations []IntegrationStatus `json:"integrations"`
}

// IntegrationStatus is one integration's queue.
type IntegrationStatus struct {
	Receiver    string    `json:"receiver"`
	Integration string    `json:"integration"`
	Up          bool      `json:"up"`
	Waiting     int       `json:"waiting_notifications"`
	WaitingAds  int       `json:"waiting_ads"`
	Attempts    int       `json:"head_attempts"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastReason  string    `json:"last_reason,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
}

// Status reports the outbox by integration.
func (a *Alerter) Status() (*Status, error) {
	var entries []outboxEntry
	if err := a.store.view(func(t *tx) (err error) { entries, err = t.outbox(); return err }); err != nil {
		return nil, err
	}
	by := map[string]*IntegrationStatus{}
	for _, rc := range a.rules.Receivers {
		for _, integ := range rc.Integrations() {
			by[integrationKey(rc.Name, integ)] = &IntegrationStatus{Receiver: rc.Name, Integration: integ, Up: true}
		}
	}
	for _, e := range entries {
		k := integrationKey(e.rec.Receiver, e.rec.Integration)
		st := by[k]
		if st == nil {
			st = &IntegrationStatus{Receiver: e.rec.Receiver, Integration: e.rec.Integration}
			by[k] = st
		}
		if st.Waiting == 0 {
			st.Attempts, st.NextAttempt, st.LastReason, st.LastError = e.rec.Attempts, e.rec.NextAttempt, e.rec.LastReason, e.rec.LastError
			st.Up = e.rec.Attempts < a.cfg.MaxFailures
		}
		st.Waiting++
		st.WaitingAds += len(e.rec.Items)
	}
	out := &Status{}
	for _, st := range by {
		out.Integrations = append(out.Integrations, *st)
	}
	sort.Slice(out.Integrations, func(i, j int) bool {
		x, y := out.Integrations[i], out.Integrations[j]
		return x.Receiver+"/"+x.Integration < y.Receiver+"/"+y.Integration
	})
	return out, nil
}

// Handler serves the alert API under /api/alerts/: silences (list, create,
// expire) and the outbox's status. When alert.api_token_env names a set
// variable, every request needs "Authorization: Bearer <token>".
func (a *Alerter) Handler() http.Handler {
	token := ""
	if a.cfg.APITokenEnv != "" {
		token = os.Getenv(a.cfg.APITokenEnv)
	}
	sils := a.Silences()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/alerts/silences", func(w http.ResponseWriter, _ *http.Request) {
		list, err := sils.List()
		if err != nil {
			apiError(w, http.StatusInternalServerError, err)
			return
		}
		now := sils.Now()
		views := make([]SilenceView, len(list))
		for i, s := range list {
			views[i] = SilenceView{Silence: s, State: s.State(now)}
		}
		writeJSON(w, http.StatusOK, views)
	})
	mux.HandleFunc("POST /api/alerts/silences", func(w http.ResponseWriter, r *http.Request) {
		var req SilenceRequest
		dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			apiError(w, http.StatusBadRequest, fmt.Errorf("body: %w", err))
			return
		}
		s, err := req.Silence(sils.Now())
		if err == nil && s.Receiver != "" && a.rules.Receiver(s.Receiver) == nil {
			err = fmt.Errorf("receiver: no receiver is named %q", s.Receiver)
		}
		if err == nil {
			err = sils.Add(s)
		}
		if err != nil {
			apiError(w, http.StatusBadRequest, err)
			return
		}
		a.log.Info("silence created", "silence", s.ID, "match", s.Match.String(), "receiver", s.Receiver,
			"reason", s.Reason, "creator", s.Creator, "until", s.EndsAt)
		writeJSON(w, http.StatusCreated, SilenceView{Silence: *s, State: s.State(sils.Now())})
	})
	mux.HandleFunc("DELETE /api/alerts/silences/{id}", func(w http.ResponseWriter, r *http.Request) {
		s, err := sils.Expire(r.PathValue("id"))
		switch {
		case errors.Is(err, ErrNoSilence):
			apiError(w, http.StatusNotFound, err)
			return
		case err != nil:
			apiError(w, http.StatusInternalServerError, err)
			return
		}
		a.log.Info("silence expired", "silence", s.ID)
		writeJSON(w, http.StatusOK, SilenceView{Silence: *s, State: s.State(sils.Now())})
	})
	mux.HandleFunc("GET /api/alerts/status", func(w http.ResponseWriter, _ *http.Request) {
		st, err := a.Status()
		if err != nil {
			apiError(w, http.StatusInternalServerError, err)
			return
		}
		writeJSON(w, http.StatusOK, st)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			got := r.Header.Get("Authorization")
			if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+token)) != 1 {
				apiError(w, http.StatusUnauthorized, errors.New("a bearer token is required"))
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func apiError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
