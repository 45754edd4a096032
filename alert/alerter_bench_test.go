package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
	bolt "go.etcd.io/bbolt"
)

// BenchmarkAccept measures intake of a 100-ad batch (route, silence,
// dedupe, group, one fsynced transaction) against the floor of that
// durability: one fsynced bbolt transaction writing the same ads as JSON.
// The ratio is what routing and bookkeeping cost on top of the disk.
func BenchmarkAccept(b *testing.B) {
	const batch = 100
	mkBatch := func(n int) []*ad.Flagged {
		out := make([]*ad.Flagged, batch)
		for i := range out {
			out[i] = flagged(fmt.Sprintf("b%d-%d", n, i), nil)
		}
		return out
	}
	var base, accept time.Duration
	b.Run("baseline-bbolt-put", func(b *testing.B) {
		db, err := bolt.Open(b.TempDir()+"/base.db", 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		start := time.Now()
		for n := 0; b.Loop(); n++ {
			ads := mkBatch(n)
			err := db.Update(func(tx *bolt.Tx) error {
				bk, err := tx.CreateBucketIfNotExists([]byte("ads"))
				if err != nil {
					return err
				}
				for _, f := range ads {
					v, _ := json.Marshal(f)
					if err := bk.Put([]byte(f.ID), v); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		base = time.Since(start) / time.Duration(b.N)
	})
	b.Run("accept", func(b *testing.B) {
		rules, err := ParseRules("bench", []byte(treeYAML))
		if err != nil {
			b.Fatal(err)
		}
		a, err := New(Config{Dir: b.TempDir()}, rules)
		if err != nil {
			b.Fatal(err)
		}
		defer a.Close(context.Background())
		start := time.Now()
		for n := 0; b.Loop(); n++ {
			if err := a.Accept(b.Context(), mkBatch(n)); err != nil {
				b.Fatal(err)
			}
		}
		accept = time.Since(start) / time.Duration(b.N)
	})
	if base > 0 && accept > 0 {
		b.Logf("per %d-ad batch: bbolt put %v, Accept %v, ratio %.2f", batch, base, accept, float64(accept)/float64(base))
	}
}
