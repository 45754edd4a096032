package alert

import (
	"encoding/json"
	"time"
)

// pruneEvery is how often threads past the fold window are forgotten.
const pruneEvery = time.Hour

// pruneThreads forgets threads whose last ad is older than the fold window,
// and the contact and text keys that led to them, so the outbox does not
// grow with every ad ever seen. What each receiver was told (the seen
// bucket) is kept: the same ad never goes twice to a receiver.
func (t *tx) pruneThreads(now time.Time, window time.Duration) (int, error) {
	threads := t.b(bucketThreads)
	var gone [][]byte
	err := threads.ForEach(func(k, v []byte) error {
		var rec threadRec
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		if now.Sub(rec.Last) > window {
			gone = append(gone, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range gone {
		if err := threads.Delete(k); err != nil {
			return 0, err
		}
	}
	by := t.b(bucketThreadBy)
	var stale [][]byte
	err = by.ForEach(func(k, v []byte) error {
		rcv, _, _ := cutKey(k)
		if threads.Get(key(rcv, string(v))) == nil {
			stale = append(stale, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range stale {
		if err := by.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}

// cutKey splits a key at its first separator.
func cutKey(k []byte) (first, rest string, ok bool) {
	for i, c := range k {
		if c == 0 {
			return string(k[:i]), string(k[i+1:]), true
		}
	}
	return string(k), "", false
}
