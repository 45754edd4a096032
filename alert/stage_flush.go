package alert

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
)

// flushStage turns the groups that are due into notifications in the
// outbox, one for each integration of the group's receiver, in the same
// transaction that takes their ads out of the group. A receiver in its
// quiet hours keeps its groups waiting until they end. Reposts of a thread
// reported less than repeat_interval ago wait for the interval to pass.
type flushStage struct {
	rules   *Rules
	log     *slog.Logger
	metrics *Metrics
}

func (s flushStage) flush(_ context.Context, t *tx, now time.Time) (queued int, err error) {
	type due struct {
		key string
		g   groupRec
	}
	var dues []due
	err = t.b(bucketGroups).ForEach(func(k, v []byte) error {
		var g groupRec
		if err := json.Unmarshal(v, &g); err != nil {
			return err
		}
		if !g.NextFlush.IsZero() && !now.Before(g.NextFlush) {
			dues = append(dues, due{string(k), g})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, d := range dues {
		n, err := s.flushGroup(t, now, d.key, &d.g)
		if err != nil {
			return queued, err
		}
		queued += n
		if err := t.put(bucketGroups, []byte(d.key), &d.g); err != nil {
			return queued, err
		}
	}
	return queued, nil
}

func (s flushStage) flushGroup(t *tx, now time.Time, gk string, g *groupRec) (int, error) {
	rc := s.rules.Receiver(g.Receiver)
	if rc == nil {
		// The receiver left the config while its alerts waited. They stay
		// until it is back: nothing is dropped behind an office's back.
		s.log.Warn("alerts wait for a receiver that is no longer configured", "receiver", g.Receiver, "route", g.Route)
		g.NextFlush = now.Add(time.Hour)
		return 0, nil
	}
	if until := rc.quietUntil(now); !until.IsZero() {
		g.NextFlush = until
		return 0, nil
	}
	keys, items, err := t.pendingItems(gk)
	if err != nil {
		return 0, err
	}
	// An original in this very flush makes its reposts ready with it.
	inBatch := map[string]bool{}
	for _, it := range items {
		if it.Thread == "" {
			inBatch[it.AdID] = true
		}
	}
	var ready []Item
	var readyKeys [][]byte
	var held time.Time
	threads := map[string]*threadRec{}
	reported := map[string]bool{}
	for i, it := range items {
		th := it.AdID
		if it.Thread != "" {
			th = it.Thread
		}
		rec := threads[th]
		if rec == nil {
			rec = &threadRec{}
			if _, err := t.get(bucketThreads, key(g.Receiver, th), rec); err != nil {
				return 0, err
			}
			threads[th] = rec
		}
		if it.Thread != "" && !inBatch[it.Thread] && !rec.Reported.IsZero() {
			if at := rec.Reported.Add(g.RepeatInterval); now.Before(at) {
				if held.IsZero() || at.Before(held) {
					held = at
				}
				continue
			}
		}
		ready = append(ready, it)
		readyKeys = append(readyKeys, keys[i])
		reported[th] = true
	}
	g.NextFlush = time.Time{}
	if held.After(now) {
		g.NextFlush = held
	}
	if len(ready) == 0 {
		return 0, nil
	}
	for _, integ := range rc.Integrations() {
		n := Notification{
			ID: newID(), Receiver: rc.Name, Integration: integ, Route: g.Route, Group: g.Labels,
			Digest: g.Digest, Created: now, Items: ready,
		}
		if err := t.addOutbox(&outboxRec{Notification: n, NextAttempt: now}); err != nil {
			return 0, err
		}
	}
	for _, k := range readyKeys {
		if err := t.b(bucketPending).Delete(k); err != nil {
			return 0, err
		}
	}
	for id := range reported {
		rec := threads[id]
		if rec.ID == "" {
			continue // folded into a thread that has since been forgotten
		}
		rec.Reported = now
		if err := t.put(bucketThreads, key(g.Receiver, id), rec); err != nil {
			return 0, err
		}
	}
	g.LastFlush = now
	if !g.NextFlush.IsZero() && g.Digest == "" && g.NextFlush.Before(now.Add(g.GroupInterval)) {
		g.NextFlush = now.Add(g.GroupInterval)
	}
	s.log.Info("alerts queued", "receiver", rc.Name, "route", g.Route, "group", g.Labels, "ads", len(ready),
		"integrations", len(rc.Integrations()), "digest", g.Digest)
	return len(ready), nil
}
