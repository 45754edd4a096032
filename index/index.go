// Package index remembers flagged ads in Bleve and finds them again: the
// mapping and analyzers for ads in ten languages, a batched idempotent
// writer, monthly shards behind one alias, queries with filters, facets and
// highlighting. It is the only package that imports Bleve.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Doc is a flagged ad as the index keeps it: the latest version and verdict,
// and when it was first and last seen (the crawler's fetch times).
type Doc struct {
	ad.Flagged
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	TimesSeen int       `json:"times_seen"`
}

// ErrNotFound is returned for an id the index does not hold.
var ErrNotFound = errors.New("ad not found")

// Index is the flagged ads' index: monthly Bleve shards behind one alias.
// It has one writer (Upsert) and any number of readers.
type Index struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	now     func() time.Time
	mapping *mapping.IndexMappingImpl
	mapID   string

	// writeMu makes Upsert and shard maintenance one writer.
	writeMu    sync.Mutex
	lastExpire time.Time

	// mu guards shards and alias: searches hold it shared, so a shard is
	// never closed under a running search.
	mu     sync.RWMutex
	shards map[string]*shard // by month, "2006-01"
	alias  bleve.IndexAlias

	// tables are the values of the shards' segments' faceted fields.
	tables *valueTables
}

// Option sets a collaborator of the index.
type Option func(*Index)

// WithLogger logs to l.
func WithLogger(l *slog.Logger) Option { return func(i *Index) { i.log = l } }

// WithMetrics registers the index's metrics with reg.
func WithMetrics(reg prometheus.Registerer) Option {
	return func(i *Index) { i.metrics = newMetrics(reg) }
}

// WithClock sets the clock that retention reads, for tests.
func WithClock(now func() time.Time) Option { return func(i *Index) { i.now = now } }

// withMapping replaces the mapping, for the benchmark's baseline and the
// reindexing tests.
func withMapping(m *mapping.IndexMappingImpl) Option {
	return func(i *Index) { i.mapping = m }
}

// Open opens the index in cfg.Dir, creating it if absent. A shard built
// under an older mapping is reindexed into a new shard first, and shards
// past the retention are dropped.
func Open(cfg Config, opts ...Option) (*Index, error) {
	cfg.Defaults()
	if cfg.Dir == "" {
		return nil, errors.New("open index: no directory configured (index.dir)")
	}
	i := &Index{cfg: cfg, now: time.Now, shards: map[string]*shard{}, alias: bleve.NewIndexAlias(), tables: newValueTables()}
	for _, o := range opts {
		o(i)
	}
	if i.log == nil {
		i.log = slog.New(slog.DiscardHandler)
	}
	if i.metrics == nil {
		i.metrics = newMetrics(nil)
	}
	if i.mapping == nil {
		i.mapping = newMapping()
	}
	i.mapID = mappingID(i.mapping)
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if err := i.openShards(); err != nil {
		i.Close()
		return nil, err
	}
	if err := i.importLegacy(); err != nil {
		i.Close()
		return nil, err
	}
	i.writeMu.Lock()
	err := i.expire(i.now().UTC())
	i.writeMu.Unlock()
	if err != nil {
		i.Close()
		return nil, err
	}
	i.updateGauges()
	return i, nil
}

// Close closes every shard. Every batch Upsert returned for is on disk
// already.
func (i *Index) Close() error {
	i.writeMu.Lock()
	defer i.writeMu.Unlock()
	i.mu.Lock()
	defer i.mu.Unlock()
	var errs []error
	for m, s := range i.shards {
		if err := s.idx.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close shard %s: %w", m, err))
		}
		delete(i.shards, m)
	}
	return errors.Join(errs...)
}

// Count returns how many ads the index holds.
func (i *Index) Count() (uint64, error) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	var n uint64
	for m, s := range i.shards {
		c, err := s.idx.DocCount()
		if err != nil {
			return 0, fmt.Errorf("count shard %s: %w", m, err)
		}
		n += c
	}
	return n, nil
}

// Shards lists the months the index holds a shard for, oldest first.
func (i *Index) Shards() []string {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return sortedMonths(i.shards)
}

// Get returns the ad with the id.
func (i *Index) Get(ctx context.Context, id string) (*Doc, error) {
	start := time.Now()
	defer func() { i.metrics.queryDur.WithLabelValues("get").Observe(time.Since(start).Seconds()) }()
	i.mu.RLock()
	defer i.mu.RUnlock()
	if len(i.shards) == 0 {
		return nil, ErrNotFound
	}
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery([]string{id}), 4, 0, false)
	req.Fields = []string{fieldDoc}
	res, err := i.alias.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("get ad %s: %w", id, err)
	}
	var best *Doc
	for _, h := range res.Hits {
		d, err := hitDoc(h.ID, h.Fields)
		if err != nil {
			return nil, err
		}
		if best == nil || d.LastSeen.After(best.LastSeen) {
			best = d
		}
	}
	if best == nil {
		return nil, ErrNotFound
	}
	return best, nil
}

// hitDoc decodes the stored Doc of a search hit.
func hitDoc(id string, fields map[string]any) (*Doc, error) {
	raw, _ := fields[fieldDoc].(string)
	if raw == "" {
		return nil, fmt.Errorf("ad %s is indexed without its stored form", id)
	}
	var d Doc
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, fmt.Errorf("ad %s is stored corrupt: %w", id, err)
	}
	return &d, nil
}

func (i *Index) updateGauges() {
	if n, err := i.Count(); err == nil {
		i.metrics.docs.Set(float64(n))
	}
	i.mu.RLock()
	i.metrics.shards.Set(float64(len(i.shards)))
	i.mu.RUnlock()
}
