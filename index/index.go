// Package index remembers flagged ads in a Bleve index and finds them again.
// It is the only package that imports Bleve.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Doc is a flagged ad as the index keeps it: the latest version and verdict,
// and when it was first and last seen.
type Doc struct {
	ad.Flagged
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	TimesSeen int       `json:"times_seen"`
}

// searchDoc is what Bleve indexes of a Doc.
type searchDoc struct {
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Location  string    `json:"location"`
	Company   string    `json:"company"`
	Source    string    `json:"source"`
	Level     string    `json:"level"`
	Rules     []string  `json:"rules"`
	Score     float64   `json:"score"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// Index is a Bleve index of flagged ads. It has one writer.
type Index struct {
	idx bleve.Index
	now func() time.Time
}

// Open opens the index in dir, creating it if absent.
func Open(dir string) (*Index, error) {
	idx, err := bleve.Open(dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		os.Remove(dir) // bleve wants to create the directory itself
		idx, err = bleve.New(dir, bleve.NewIndexMapping())
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	return &Index{idx: idx, now: time.Now}, nil
}

// Close closes the index.
func (i *Index) Close() error { return i.idx.Close() }

// Upsert writes the ads in one batch, keyed by ad id: a new ad is added, a
// known one updated, keeping when it was first seen and counting sightings.
// When Upsert returns nil the batch is on disk.
func (i *Index) Upsert(ctx context.Context, ads []*ad.Flagged) error {
	b := i.idx.NewBatch()
	now := i.now().UTC()
	pending := map[string]*Doc{}
	for _, f := range ads {
		d, ok := pending[f.ID]
		if !ok {
			prev, err := i.Get(ctx, f.ID)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			d = &Doc{FirstSeen: now}
			if prev != nil {
				d = prev
			}
			pending[f.ID] = d
		}
		d.Flagged = *f
		d.LastSeen = now
		d.TimesSeen++
	}
	for id, d := range pending {
		if err := b.Index(id, toSearch(d)); err != nil {
			return fmt.Errorf("index ad %s: %w", id, err)
		}
		data, err := json.Marshal(d)
		if err != nil {
			return err
		}
		b.SetInternal([]byte("doc:"+id), data)
	}
	// Bleve returns from Batch once the batch is searchable, before it is on
	// disk; the caller commits Kafka offsets after Upsert, so wait for the
	// persister too.
	persisted := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { persisted <- err })
	if err := i.idx.Batch(b); err != nil {
		return fmt.Errorf("index batch of %d: %w", len(ads), err)
	}
	select {
	case err := <-persisted:
		if err != nil {
			return fmt.Errorf("persist index batch of %d: %w", len(ads), err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func toSearch(d *Doc) searchDoc {
	s := searchDoc{Title: d.Title, Body: d.Body, Location: d.Location, Company: d.Company, Source: d.Source,
		Level: string(d.Verdict.Level), Score: d.Verdict.Score, FirstSeen: d.FirstSeen, LastSeen: d.LastSeen}
	for _, h := range d.Verdict.Hits {
		s.Rules = append(s.Rules, h.Rule)
	}
	return s
}

// ErrNotFound is returned for an id the index does not hold.
var ErrNotFound = errors.New("ad not found")

// Get returns the ad with the id.
func (i *Index) Get(_ context.Context, id string) (*Doc, error) {
	data, err := i.idx.GetInternal([]byte("doc:" + id))
	if err != nil {
		return nil, fmt.Errorf("get ad %s: %w", id, err)
	}
	if data == nil {
		return nil, ErrNotFound
	}
	var d Doc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("ad %s is stored corrupt: %w", id, err)
	}
	return &d, nil
}

// Count returns how many ads the index holds.
func (i *Index) Count() (uint64, error) { return i.idx.DocCount() }

// Result is one page of matching ads.
type Result struct {
	Total uint64 `json:"total"`
	Hits  []Hit  `json:"hits"`
	Took  string `json:"took"`
}

// Hit is one matching ad.
type Hit struct {
	Score float64 `json:"match"`
	Doc   *Doc    `json:"ad"`
}

// Search finds ads matching a query string in Bleve syntax ("" matches all).
func (i *Index) Search(ctx context.Context, q string, size, from int) (*Result, error) {
	var req *bleve.SearchRequest
	if q == "" {
		req = bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), size, from, false)
	} else {
		req = bleve.NewSearchRequestOptions(bleve.NewQueryStringQuery(q), size, from, false)
	}
	res, err := i.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q, err)
	}
	out := &Result{Total: res.Total, Took: res.Took.String()}
	for _, h := range res.Hits {
		d, err := i.Get(ctx, h.ID)
		if err != nil {
			return nil, err
		}
		out.Hits = append(out.Hits, Hit{Score: h.Score, Doc: d})
	}
	return out, nil
}
