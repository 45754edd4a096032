package alert

import (
	"context"
	"time"
)

// routeStage sends each ad down the routing tree and turns it into one
// alert per receiver it reaches.
type routeStage struct {
	rules   *Rules
	baseURL string
	metrics *Metrics
}

func (s routeStage) handle(_ context.Context, _ *tx, now time.Time, as []*alertCand) ([]*alertCand, error) {
	var out []*alertCand
	for _, a := range as {
		a.facts = factsOf(a.ad)
		dests := s.rules.routes(nil, a.facts)
		if len(dests) == 0 {
			s.metrics.unrouted.Inc()
			continue
		}
		item := newItem(a.ad, s.baseURL, now)
		for _, d := range dests {
			out = append(out, &alertCand{ad: a.ad, facts: a.facts, dest: d, item: item})
			s.metrics.routed.WithLabelValues(d.Receiver.Name).Inc()
		}
	}
	return out, nil
}
