package alert

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Silence mutes the alerts that match it, for a receiver or for all, until
// it ends. It needs a reason and a creator, so that the next person knows
// why an office heard nothing. Muted ads are counted and logged, not sent
// later: a silence is for noise, quiet hours are for waiting.
type Silence struct {
	ID       string    `json:"id"`
	Match    Match     `json:"match"`
	Receiver string    `json:"receiver,omitempty"`
	Reason   string    `json:"reason"`
	Creator  string    `json:"creator"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Created  time.Time `json:"created"`
}

// Silence states.
const (
	SilenceActive  = "active"
	SilencePending = "pending"
	SilenceExpired = "expired"
)

// maxSilence bounds how long one silence can last, so nobody mutes an
// office for good by mistake.
const maxSilence = 90 * 24 * time.Hour

// State says whether s mutes alerts at now.
func (s *Silence) State(now time.Time) string {
	switch {
	case !now.Before(s.EndsAt):
		return SilenceExpired
	case now.Before(s.StartsAt):
		return SilencePending
	}
	return SilenceActive
}

// validate checks a new silence, filling its start with now when unset.
func (s *Silence) validate(now time.Time) error {
	if strings.TrimSpace(s.Reason) == "" {
		return errors.New("reason: a silence needs a reason")
	}
	if strings.TrimSpace(s.Creator) == "" {
		return errors.New("creator: a silence needs a creator")
	}
	if s.StartsAt.IsZero() {
		s.StartsAt = now
	}
	switch {
	case s.EndsAt.IsZero():
		return errors.New("ends_at: a silence needs an expiry")
	case !s.EndsAt.After(s.StartsAt):
		return errors.New("ends_at: must be after starts_at")
	case !s.EndsAt.After(now):
		return errors.New("ends_at: is in the past")
	case s.EndsAt.Sub(s.StartsAt) > maxSilence:
		return fmt.Errorf("ends_at: a silence lasts at most %v", maxSilence)
	}
	if err := s.Match.Validate(); err != nil {
		return fmt.Errorf("match.%w", err)
	}
	if s.Match.Empty() && s.Receiver == "" {
		return errors.New("match: a silence of every ad for every receiver mutes everything; name a receiver or a matcher")
	}
	return nil
}

// mutes reports whether s mutes an alert to receiver of an ad with facts.
func (s *Silence) mutes(now time.Time, receiver string, fs facts) bool {
	if s.State(now) != SilenceActive {
		return false
	}
	if s.Receiver != "" && s.Receiver != receiver {
		return false
	}
	return s.Match.matches(fs)
}

// addSilence validates and stores a new silence.
func (t *tx) addSilence(s *Silence, now time.Time) error {
	if err := s.validate(now); err != nil {
		return err
	}
	s.ID = newID()
	s.Created = now
	return t.put(bucketSilences, []byte(s.ID), s)
}

// silences lists the stored silences, newest first.
func (t *tx) silences() ([]Silence, error) {
	var out []Silence
	err := t.b(bucketSilences).ForEach(func(k, v []byte) error {
		var s Silence
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("silence %s: %w", k, err)
		}
		out = append(out, s)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, err
}

// ErrNoSilence means no silence has the id given.
var ErrNoSilence = errors.New("no such silence")

// expireSilence ends a silence now. Expired silences are kept, for the
// record of who muted what.
func (t *tx) expireSilence(id string, now time.Time) (*Silence, error) {
	var s Silence
	ok, err := t.get(bucketSilences, []byte(id), &s)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoSilence, id)
	}
	if s.State(now) != SilenceExpired {
		s.EndsAt = now
		if s.StartsAt.After(now) {
			s.StartsAt = now
		}
	}
	return &s, t.put(bucketSilences, []byte(id), &s)
}
