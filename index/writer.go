package index

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Upsert writes a batch of flagged ads, keyed by ad id, and returns once the
// batch is on disk: the caller may then commit the offsets it came from.
//
// It is idempotent, so that at-least-once delivery gives effectively-once
// sightings: a new id is added to the shard of the month it was posted (or
// fetched); a known one is updated in whichever shard holds it. A sighting
// is a fetch time: a later one moves last_seen and counts in times_seen and
// brings the latest ad and verdict; the same one again (a redelivery)
// changes nothing unless the ad was classified anew; an earlier one can only
// move first_seen back.
func (i *Index) Upsert(ctx context.Context, ads []*ad.Flagged) error {
	if len(ads) == 0 {
		return nil
	}
	i.writeMu.Lock()
	defer i.writeMu.Unlock()
	start := time.Now()
	now := i.now().UTC()
	if err := i.maybeExpire(now); err != nil {
		return err
	}

	var ids []string
	byID := map[string][]*ad.Flagged{}
	for _, f := range ads {
		if _, ok := byID[f.ID]; !ok {
			ids = append(ids, f.ID)
		}
		byID[f.ID] = append(byID[f.ID], f)
	}
	found, err := i.lookup(ctx, ids)
	if err != nil {
		return err
	}

	type write struct {
		s *shard
		d *Doc
	}
	var writes []write
	deletes := map[*shard][]string{}
	newAds, updated := 0, 0
	for _, id := range ids {
		var d *Doc
		var s *shard
		if locs := found[id]; len(locs) > 0 {
			// Normally one; more only after a crash between the two steps of
			// moving an ad out of an expiring shard. The newest copy stays.
			best := 0
			for k, l := range locs {
				if l.doc.LastSeen.After(locs[best].doc.LastSeen) {
					best = k
				}
			}
			for k, l := range locs {
				if k != best {
					deletes[l.s] = append(deletes[l.s], id)
				}
			}
			d, s = locs[best].doc, locs[best].s
			changed := false
			for _, f := range byID[id] {
				changed = sight(d, f) || changed
			}
			if !changed && len(locs) == 1 {
				continue
			}
			updated++
		} else {
			first := byID[id][0]
			d = &Doc{Flagged: *first, FirstSeen: first.FetchedAt.UTC(), LastSeen: first.FetchedAt.UTC(), TimesSeen: 1}
			for _, f := range byID[id][1:] {
				sight(d, f)
			}
			if s, err = i.shardFor(i.monthFor(&d.Flagged, now)); err != nil {
				return err
			}
			newAds++
		}
		writes = append(writes, write{s, d})
	}

	batches := map[*shard]*bleve.Batch{}
	for _, w := range writes {
		b := batches[w.s]
		if b == nil {
			b = w.s.idx.NewBatch()
			batches[w.s] = b
		}
		if err := indexDoc(b, w.d); err != nil {
			return err
		}
	}
	for s, b := range batches {
		if err := writeDurably(ctx, s, b); err != nil {
			return fmt.Errorf("write a batch of %d ads to shard %s: %w", b.Size(), s.ref.Month, err)
		}
	}
	// Stale copies go only once the kept copy is on disk, so a crash in
	// between leaves two copies (healed on the next sighting), never none.
	for s, del := range deletes {
		b := s.idx.NewBatch()
		for _, id := range del {
			b.Delete(id)
		}
		if err := writeDurably(ctx, s, b); err != nil {
			return fmt.Errorf("remove %d stale copies from shard %s: %w", len(del), s.ref.Month, err)
		}
	}
	i.metrics.upserts.WithLabelValues("new").Add(float64(newAds))
	i.metrics.upserts.WithLabelValues("updated").Add(float64(updated))
	i.metrics.batchDur.Observe(time.Since(start).Seconds())
	i.metrics.batchSize.Observe(float64(len(ads)))
	if newAds > 0 {
		i.metrics.docs.Add(float64(newAds))
	}
	return nil
}

// writeDurably writes b to s and returns once it is on disk. Scorch's Batch
// already waits for its persister unless the store runs with unsafe_batch;
// the persisted callback makes that promise explicit rather than a default
// someone could change.
func writeDurably(ctx context.Context, s *shard, b *bleve.Batch) error {
	persisted := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { persisted <- err })
	if err := s.idx.Batch(b); err != nil {
		return err
	}
	select {
	case err := <-persisted:
		if err != nil {
			return fmt.Errorf("persist: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sight applies one sighting f to d and reports whether d changed.
func sight(d *Doc, f *ad.Flagged) bool {
	at := f.FetchedAt.UTC()
	switch {
	case at.After(d.LastSeen):
		d.Flagged = *f
		d.LastSeen = at
		d.TimesSeen++
		return true
	case at.Equal(d.LastSeen):
		if f.Verdict.ClassifiedAt.After(d.Verdict.ClassifiedAt) {
			d.Flagged = *f
			return true
		}
		return false
	case at.Before(d.FirstSeen):
		d.FirstSeen = at
		d.TimesSeen++
		return true
	}
	return false
}

// monthFor is the shard month of a new ad: when it was posted, if the
// source said so believably, else when it was fetched; an ad older than the
// retention window goes to the current month rather than be dropped.
func (i *Index) monthFor(f *ad.Flagged, now time.Time) string {
	t := f.FetchedAt.UTC()
	if p := f.PostedAt.UTC(); !f.PostedAt.IsZero() && p.Before(t.Add(48*time.Hour)) && p.After(t.AddDate(-5, 0, 0)) {
		t = p
	}
	if cutoff := i.retentionCutoff(now); !cutoff.IsZero() && t.Before(cutoff) {
		t = now
	}
	return t.Format(monthFmt)
}

type location struct {
	s   *shard
	doc *Doc
}

// lookup finds the stored copies of ids in every shard, with one query a
// shard.
func (i *Index) lookup(ctx context.Context, ids []string) (map[string][]location, error) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	out := map[string][]location{}
	for _, m := range sortedMonths(i.shards) {
		s := i.shards[m]
		req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
		req.Fields = []string{fieldDoc}
		req.SortBy([]string{"_id"})
		res, err := s.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("look up %d ads in shard %s: %w", len(ids), m, err)
		}
		for _, h := range res.Hits {
			d, err := hitDoc(h.ID, h.Fields)
			if err != nil {
				return nil, err
			}
			out[h.ID] = append(out[h.ID], location{s, d})
		}
	}
	return out, nil
}

// indexDoc adds d to b, with its stored form.
func indexDoc(b *bleve.Batch, d *Doc) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode ad %s: %w", d.ID, err)
	}
	if err := b.Index(d.ID, toSearch(d, data)); err != nil {
		return fmt.Errorf("index ad %s: %w", d.ID, err)
	}
	return nil
}

// importLegacy moves the ads of an index from before shards (one Bleve
// index in the directory itself, each ad's JSON in its internal storage)
// into shards, then removes it.
func (i *Index) importLegacy() error {
	meta := filepath.Join(i.cfg.Dir, "index_meta.json")
	if _, err := os.Stat(meta); err != nil {
		return nil
	}
	old, err := bleve.Open(i.cfg.Dir)
	if err != nil {
		return fmt.Errorf("open the unsharded index in %s to import it: %w", i.cfg.Dir, err)
	}
	n := 0
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 500, 0, false)
		req.SortBy([]string{"_id"})
		req.SearchAfter = after
		res, err := old.Search(req)
		if err != nil {
			old.Close()
			return fmt.Errorf("import the unsharded index: %w", err)
		}
		byShard := map[*shard]*bleve.Batch{}
		for _, h := range res.Hits {
			data, err := old.GetInternal([]byte("doc:" + h.ID))
			if err != nil || data == nil {
				i.log.Warn("unsharded index: ad without its stored form; skipped", "id", h.ID, "err", err)
				continue
			}
			var d Doc
			if err := json.Unmarshal(data, &d); err != nil {
				i.log.Warn("unsharded index: ad stored corrupt; skipped", "id", h.ID, "err", err)
				continue
			}
			s, err := i.shardFor(i.monthFor(&d.Flagged, i.now()))
			if err != nil {
				old.Close()
				return err
			}
			if byShard[s] == nil {
				byShard[s] = s.idx.NewBatch()
			}
			if err := indexDoc(byShard[s], &d); err != nil {
				old.Close()
				return err
			}
			n++
		}
		for s, b := range byShard {
			if err := s.idx.Batch(b); err != nil {
				old.Close()
				return fmt.Errorf("import the unsharded index: %w", err)
			}
		}
		if len(res.Hits) < 500 {
			break
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
	old.Close()
	for _, name := range []string{"index_meta.json", "store"} {
		if err := os.RemoveAll(filepath.Join(i.cfg.Dir, name)); err != nil {
			return fmt.Errorf("remove the imported unsharded index: %w", err)
		}
	}
	i.log.Info("imported the unsharded index into monthly shards", "ads", n)
	return nil
}
