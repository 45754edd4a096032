package alert

import "time"

// Clock tells the time. Grouping, quiet hours, digests, silences and
// backoff all read it, so tests can move time instead of sleeping.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
