package alert

import (
	"context"
	"strings"
	"time"
)

// groupStage puts each alert in its group (route, receiver and the values
// of the route's group_by labels) and schedules the group's next flush:
// group_wait after a new group starts, group_interval after its last
// notification, or the next hour or day for a digest.
type groupStage struct {
	metrics *Metrics
}

func (s groupStage) handle(_ context.Context, t *tx, now time.Time, as []*alertCand) ([]*alertCand, error) {
	for _, a := range as {
		rt, rc := a.dest.Route, a.dest.Receiver
		labels := groupLabels(rt.GroupBy, a.facts)
		gk := joinKey(rc.Name, rt.ID(), labels)
		var g groupRec
		if _, err := t.get(bucketGroups, []byte(gk), &g); err != nil {
			return nil, err
		}
		g.Receiver, g.Route, g.Labels, g.Digest = rc.Name, rt.ID(), labels, rt.Digest
		g.GroupInterval, g.RepeatInterval = rt.GroupInterval, rt.RepeatInterval
		// A group may already wait for later (reposts held back by
		// repeat_interval); a new ad must not wait behind them.
		if nf := nextFlush(rt, rc, g.LastFlush, now); g.NextFlush.IsZero() || nf.Before(g.NextFlush) {
			g.NextFlush = nf
		}
		if err := t.addPending(gk, &a.item); err != nil {
			return nil, err
		}
		if err := t.put(bucketGroups, []byte(gk), &g); err != nil {
			return nil, err
		}
		s.metrics.accepted.WithLabelValues(rc.Name).Inc()
	}
	return as, nil
}

// groupLabels names a group by its labels' values: "category=x nationality=id".
func groupLabels(by []string, fs facts) string {
	parts := make([]string, len(by))
	for i, name := range by {
		parts[i] = name + "=" + fs.value(name)
	}
	return strings.Join(parts, " ")
}

// nextFlush is when a group that was idle, and last flushed at last,
// sends the first alert it gets at now.
func nextFlush(rt *Route, rc *Receiver, last, now time.Time) time.Time {
	switch rt.Digest {
	case "hourly":
		return now.Truncate(time.Hour).Add(time.Hour)
	case "daily":
		lt := now.In(rc.Location())
		at := atMinute(lt, rt.digestMin)
		if !at.After(lt) {
			at = atMinute(lt.AddDate(0, 0, 1), rt.digestMin)
		}
		return at
	}
	if last.IsZero() || !now.Before(last.Add(rt.GroupInterval)) {
		return now.Add(rt.GroupWait)
	}
	return last.Add(rt.GroupInterval)
}
