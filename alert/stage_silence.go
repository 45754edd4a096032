package alert

import (
	"context"
	"log/slog"
	"time"
)

// silenceStage drops alerts that an active silence mutes.
type silenceStage struct {
	log     *slog.Logger
	metrics *Metrics
}

func (s silenceStage) handle(_ context.Context, t *tx, now time.Time, as []*alertCand) ([]*alertCand, error) {
	sils, err := t.silences()
	if err != nil {
		return nil, err
	}
	out := as[:0]
	for _, a := range as {
		var by *Silence
		for i := range sils {
			if sils[i].mutes(now, a.dest.Receiver.Name, a.facts) {
				by = &sils[i]
				break
			}
		}
		if by == nil {
			out = append(out, a)
			continue
		}
		s.metrics.suppressed.WithLabelValues(a.dest.Receiver.Name, SuppressSilenced).Inc()
		s.log.Info("alert muted by a silence", "receiver", a.dest.Receiver.Name, "ad", a.ad.ID,
			"silence", by.ID, "reason", by.Reason, "creator", by.Creator, "until", by.EndsAt)
	}
	return out, nil
}
