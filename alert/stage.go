package alert

import (
	"context"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// alertCand is one ad on its way to one receiver through the intake
// stages. Before routing it carries only the ad.
type alertCand struct {
	ad    *ad.Flagged
	facts facts
	dest  Destination
	item  Item
}

// stage is one step of intake, run inside the transaction that makes the
// batch durable: it takes the alerts in hand and returns those that go on.
type stage interface {
	handle(ctx context.Context, t *tx, now time.Time, as []*alertCand) ([]*alertCand, error)
}

// multiStage runs stages one after another, as Alertmanager's MultiStage.
type multiStage []stage

func (ms multiStage) handle(ctx context.Context, t *tx, now time.Time, as []*alertCand) ([]*alertCand, error) {
	var err error
	for _, s := range ms {
		if len(as) == 0 {
			return nil, nil
		}
		if as, err = s.handle(ctx, t, now, as); err != nil {
			return nil, err
		}
	}
	return as, nil
}
