package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// The index directory holds one Bleve index a month under shards/, and
// alias.json, the alias: which shard serves which month, under which
// mapping. The alias is replaced whole by an atomic rename, so a crash
// leaves either the old alias or the new one, never a mix; a shard
// directory the alias does not name is left over from an interrupted
// reindex and is removed.
const (
	aliasFile = "alias.json"
	shardsDir = "shards"
	monthFmt  = "2006-01"
)

type aliasManifest struct {
	Shards []shardRef `json:"shards"`
}

type shardRef struct {
	Month   string `json:"month"`
	Path    string `json:"path"` // relative to the index directory
	Mapping string `json:"mapping"`
}

type shard struct {
	ref shardRef
	idx bleve.Index
}

func sortedMonths(m map[string]*shard) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// openShards opens the shards the alias names, reindexing any built under
// another mapping, and removes shard directories the alias does not name.
func (i *Index) openShards() error {
	var man aliasManifest
	data, err := os.ReadFile(filepath.Join(i.cfg.Dir, aliasFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("open index: %w", err)
	default:
		if err := json.Unmarshal(data, &man); err != nil {
			return fmt.Errorf("open index: %s is corrupt: %w", filepath.Join(i.cfg.Dir, aliasFile), err)
		}
	}
	named := map[string]bool{}
	for _, ref := range man.Shards {
		if _, err := time.Parse(monthFmt, ref.Month); err != nil || ref.Path == "" || strings.Contains(ref.Path, "..") {
			return fmt.Errorf("open index: %s names a bad shard %+v", aliasFile, ref)
		}
		idx, err := bleve.Open(filepath.Join(i.cfg.Dir, ref.Path))
		if err != nil {
			return fmt.Errorf("open index shard %s: %w", ref.Path, err)
		}
		i.shards[ref.Month] = &shard{ref: ref, idx: idx}
		i.alias.Add(idx)
		named[ref.Path] = true
	}
	entries, err := os.ReadDir(filepath.Join(i.cfg.Dir, shardsDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("open index: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(shardsDir, e.Name())
		if !named[p] {
			i.log.Info("removing an index shard the alias does not name (an interrupted reindex)", "path", p)
			if err := os.RemoveAll(filepath.Join(i.cfg.Dir, p)); err != nil {
				return fmt.Errorf("open index: remove %s: %w", p, err)
			}
		}
	}
	for _, m := range sortedMonths(i.shards) {
		if s := i.shards[m]; s.ref.Mapping != i.mapID {
			if err := i.reindex(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// saveAlias writes the alias of the current shards: to a temporary file,
// synced, then renamed over the old one.
func (i *Index) saveAlias() error {
	var man aliasManifest
	for _, m := range sortedMonths(i.shards) {
		man.Shards = append(man.Shards, i.shards[m].ref)
	}
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(i.cfg.Dir, aliasFile)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("write index alias: %w", err)
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("write index alias: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write index alias: %w", err)
	}
	return syncDir(i.cfg.Dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// newShard creates an empty shard for month under the current mapping. It
// is not yet in the alias.
func (i *Index) newShard(month string) (*shard, error) {
	ref := shardRef{Month: month, Path: filepath.Join(shardsDir, month+"."+i.mapID), Mapping: i.mapID}
	full := filepath.Join(i.cfg.Dir, ref.Path)
	if err := os.RemoveAll(full); err != nil {
		return nil, fmt.Errorf("create index shard %s: %w", ref.Path, err)
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return nil, fmt.Errorf("create index shard %s: %w", ref.Path, err)
	}
	idx, err := bleve.New(full, i.mapping)
	if err != nil {
		return nil, fmt.Errorf("create index shard %s: %w", ref.Path, err)
	}
	return &shard{ref: ref, idx: idx}, nil
}

// shardFor returns the shard of month, creating it and adding it to the
// alias if needed. The caller holds writeMu.
func (i *Index) shardFor(month string) (*shard, error) {
	i.mu.RLock()
	s := i.shards[month]
	i.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	s, err := i.newShard(month)
	if err != nil {
		return nil, err
	}
	i.mu.Lock()
	i.shards[month] = s
	i.alias.Add(s.idx)
	err = i.saveAlias()
	if err != nil {
		delete(i.shards, month)
		i.alias.Remove(s.idx)
	}
	i.metrics.shards.Set(float64(len(i.shards)))
	i.mu.Unlock()
	if err != nil {
		s.idx.Close()
		return nil, err
	}
	i.log.Info("index shard created", "month", month, "path", s.ref.Path)
	return s, nil
}

// reindex copies every ad of old into a new shard under the current mapping,
// then swaps the alias to it and removes old. A crash before the swap leaves
// old in place and the copy is redone at the next open.
func (i *Index) reindex(old *shard) error {
	start := time.Now()
	fresh, err := i.newShard(old.ref.Month)
	if err != nil {
		return err
	}
	n := 0
	err = eachDoc(old.idx, query.NewMatchAllQuery(), func(docs []*Doc) error {
		b := fresh.idx.NewBatch()
		for _, d := range docs {
			if err := indexDoc(b, d); err != nil {
				return err
			}
		}
		n += len(docs)
		return fresh.idx.Batch(b)
	})
	if err != nil {
		fresh.idx.Close()
		return fmt.Errorf("reindex shard %s: %w", old.ref.Path, err)
	}
	i.mu.Lock()
	i.shards[old.ref.Month] = fresh
	i.alias.Swap([]bleve.Index{fresh.idx}, []bleve.Index{old.idx})
	err = i.saveAlias()
	if err != nil {
		i.shards[old.ref.Month] = old
		i.alias.Swap([]bleve.Index{old.idx}, []bleve.Index{fresh.idx})
	}
	i.mu.Unlock()
	if err != nil {
		fresh.idx.Close()
		return fmt.Errorf("reindex shard %s: %w", old.ref.Path, err)
	}
	old.idx.Close()
	if err := os.RemoveAll(filepath.Join(i.cfg.Dir, old.ref.Path)); err != nil {
		i.log.Warn("could not remove the shard a reindex replaced", "path", old.ref.Path, "err", err)
	}
	i.metrics.reindexed.Add(float64(n))
	i.log.Info("index shard reindexed under a new mapping", "month", old.ref.Month, "ads", n,
		"from", old.ref.Mapping, "to", i.mapID, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// eachDoc hands every ad of idx matching q to fn, a page at a time, in id
// order.
func eachDoc(idx bleve.Index, q query.Query, fn func([]*Doc) error) error {
	const page = 500
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(q, page, 0, false)
		req.Fields = []string{fieldDoc}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		res, err := idx.Search(req)
		if err != nil {
			return err
		}
		docs := make([]*Doc, 0, len(res.Hits))
		for _, h := range res.Hits {
			d, err := hitDoc(h.ID, h.Fields)
			if err != nil {
				return err
			}
			docs = append(docs, d)
		}
		if len(docs) > 0 {
			if err := fn(docs); err != nil {
				return err
			}
		}
		if len(res.Hits) < page {
			return nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// retentionCutoff is the first month kept, or the zero time when all are.
func (i *Index) retentionCutoff(now time.Time) time.Time {
	if i.cfg.RetentionMonths <= 0 {
		return time.Time{}
	}
	return monthStart(now).AddDate(0, -(i.cfg.RetentionMonths - 1), 0)
}

func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// maybeExpire runs expire at most once an hour. The caller holds writeMu.
func (i *Index) maybeExpire(now time.Time) error {
	if now.Sub(i.lastExpire) < time.Hour {
		return nil
	}
	return i.expire(now)
}

// expire drops the shards of months before the retention window. Ads in
// them that were seen within the window move to the current month's shard
// first, so an ad still being posted is never lost. The caller holds
// writeMu.
func (i *Index) expire(now time.Time) error {
	i.lastExpire = now
	cutoff := i.retentionCutoff(now)
	if cutoff.IsZero() {
		return nil
	}
	i.mu.RLock()
	var old []*shard
	for _, m := range sortedMonths(i.shards) {
		if t, _ := time.Parse(monthFmt, m); t.Before(cutoff) {
			old = append(old, i.shards[m])
		}
	}
	i.mu.RUnlock()
	for _, s := range old {
		inc := true
		recent := query.NewDateRangeInclusiveQuery(cutoff, time.Time{}, &inc, nil)
		recent.SetField(fieldLastSeen)
		var cur *shard
		moved := 0
		err := eachDoc(s.idx, recent, func(docs []*Doc) error {
			if cur == nil {
				var err error
				if cur, err = i.shardFor(now.Format(monthFmt)); err != nil {
					return err
				}
			}
			b := cur.idx.NewBatch()
			for _, d := range docs {
				if err := indexDoc(b, d); err != nil {
					return err
				}
			}
			moved += len(docs)
			return cur.idx.Batch(b)
		})
		if err != nil {
			return fmt.Errorf("expire shard %s: %w", s.ref.Month, err)
		}
		i.mu.Lock()
		delete(i.shards, s.ref.Month)
		i.alias.Remove(s.idx)
		err = i.saveAlias()
		if err != nil {
			i.shards[s.ref.Month] = s
			i.alias.Add(s.idx)
		}
		i.mu.Unlock()
		if err != nil {
			return fmt.Errorf("expire shard %s: %w", s.ref.Month, err)
		}
		s.idx.Close()
		if err := os.RemoveAll(filepath.Join(i.cfg.Dir, s.ref.Path)); err != nil {
			i.log.Warn("could not remove an expired shard", "path", s.ref.Path, "err", err)
		}
		i.metrics.expired.Inc()
		i.log.Info("index shard expired", "month", s.ref.Month, "retention_months", i.cfg.RetentionMonths, "ads_moved_to_current_month", moved)
	}
	if len(old) > 0 {
		i.updateGauges()
	}
	return nil
}
