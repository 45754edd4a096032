package alert

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Reasons an alert is not sent as a new one, a fixed set for metrics.
const (
	SuppressDuplicate = "duplicate" // the receiver already has this ad
	SuppressSilenced  = "silenced"  // a silence mutes it
	SuppressFolded    = "folded"    // it repeats an earlier alert and joins its thread
)

// dedupeStage makes sure a receiver never hears of the same ad twice, and
// folds an ad that shares a contact handle or its text with an alert sent
// within the window into that alert's thread, so the office reads "seen
// again in 4 new ads" instead of four alerts.
type dedupeStage struct {
	window  time.Duration
	log     *slog.Logger
	metrics *Metrics
}

func (s dedupeStage) handle(_ context.Context, t *tx, now time.Time, as []*alertCand) ([]*alertCand, error) {
	out := as[:0]
	for _, a := range as {
		rcv := a.dest.Receiver.Name
		seenKey := key(rcv, a.ad.ID)
		if t.b(bucketSeen).Get(seenKey) != nil {
			s.metrics.suppressed.WithLabelValues(rcv, SuppressDuplicate).Inc()
			continue
		}
		keys, shared := threadKeys(a.ad)
		var th *threadRec
		var via string
		for i, k := range keys {
			id := t.b(bucketThreadBy).Get(key(rcv, k))
			if id == nil {
				continue
			}
			var rec threadRec
			ok, err := t.get(bucketThreads, key(rcv, string(id)), &rec)
			if err != nil {
				return nil, err
			}
			if ok && now.Sub(rec.Last) <= s.window {
				th, via = &rec, shared[i]
				break
			}
		}
		if th != nil {
			th.Last = now
			th.Reposts++
			a.item.Thread, a.item.ThreadTitle, a.item.ThreadLink, a.item.Shared = th.ID, th.Title, th.Link, via
			s.metrics.suppressed.WithLabelValues(rcv, SuppressFolded).Inc()
			s.log.Debug("ad folded into an earlier alert's thread", "receiver", rcv, "ad", a.ad.ID, "thread", th.ID, "shared", via)
		} else {
			th = &threadRec{ID: a.ad.ID, Title: a.item.Title, Link: a.item.Link, First: now, Last: now}
		}
		if err := t.put(bucketThreads, key(rcv, th.ID), th); err != nil {
			return nil, err
		}
		for _, k := range keys {
			if err := t.b(bucketThreadBy).Put(key(rcv, k), []byte(th.ID)); err != nil {
				return nil, err
			}
		}
		if err := t.put(bucketSeen, seenKey, seenRec{At: now, Thread: th.ID}); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// threadKeys are what ties ads to one thread: each contact handle, and the
// text's hash. shared describes each key for the message.
func threadKeys(f *ad.Flagged) (keys, shared []string) {
	seen := map[string]bool{}
	add := func(k, desc string) {
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
			shared = append(shared, desc)
		}
	}
	for _, c := range f.Verdict.Extracted.Contacts {
		if v := normContact(c.Value); v != "" {
			add("c:"+strings.ToLower(c.Kind)+":"+v, c.Kind+" "+c.Value)
		}
	}
	if len(f.Verdict.Extracted.Contacts) == 0 {
		for _, c := range f.Contacts {
			if v := normContact(c); v != "" {
				add("c:"+v, strings.TrimSpace(c))
			}
		}
	}
	if f.ContentHash != "" {
		add("h:"+f.ContentHash, "text")
	}
	return keys, shared
}

// normContact folds the ways one handle or number is written ("+62
// 812-3456", "+628123456"; "@Name", "@name") to one form.
func normContact(v string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(v) {
		if unicode.IsSpace(r) || strings.ContainsRune("-.()", r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
