package crawler

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// store is the crawl state: what was published, and how each page
// answered last time. It outlives the process when it is a bbolt file.
type store interface {
	// seen returns what was last published for the ad id of a source.
	seen(source, id string) (seenAd, bool, error)
	// markSeen records ads that Kafka acknowledged.
	markSeen(source string, ads []*ad.Raw, at time.Time) error
	page(source, url string) (pageState, bool, error)
	savePage(source, url string, p pageState) error
	pass(source string) (passState, error)
	savePass(source string, p passState) error
	close() error
}

// seenAd is the state of one published ad.
type seenAd struct {
	Hash      string    `json:"hash"`
	Version   int       `json:"version"`
	FirstSeen time.Time `json:"first_seen"`
}

// pageState is what a page answered when its ads were last published:
// its validators for a conditional GET, and the pages it led to, which are
// followed again when it answers 304.
type pageState struct {
	Validators Validators `json:"validators"`
	Next       []string   `json:"next,omitempty"`
	Items      []string   `json:"items,omitempty"`
	SavedAt    time.Time  `json:"saved_at"`
}

// passState records how the last pass over a source went.
type passState struct {
	Started   time.Time `json:"started"`
	Completed time.Time `json:"completed,omitzero"`
}

var (
	bucketAds    = []byte("ads")
	bucketPages  = []byte("pages")
	bucketPasses = []byte("passes")
)

// boltStore keeps the state in a bbolt file.
type boltStore struct{ db *bolt.DB }

func openBolt(path string) (*boltStore, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("crawl state %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("crawl state %s is locked: is another crawler using this data_dir? %w", path, err)
		}
		return nil, fmt.Errorf("crawl state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketAds, bucketPages, bucketPasses} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("crawl state %s: %w", path, err)
	}
	return &boltStore{db: db}, nil
}

func key(source, k string) []byte { return []byte(source + "\x00" + k) }

func (b *boltStore) get(bucket []byte, k []byte, v any) (bool, error) {
	var found bool
	err := b.db.View(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucket).Get(k)
		if data == nil {
			return nil
		}
		found = true
		return json.Unmarshal(data, v)
	})
	if err != nil {
		return false, fmt.Errorf("crawl state: read %s %q: %w", bucket, k, err)
	}
	return found, nil
}

func (b *boltStore) put(bucket []byte, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := b.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(k, data) }); err != nil {
		return fmt.Errorf("crawl state: write %s %q: %w", bucket, k, err)
	}
	return nil
}

func (b *boltStore) seen(source, id string) (seenAd, bool, error) {
	var s seenAd
	ok, err := b.get(bucketAds, key(source, id), &s)
	return s, ok, err
}

// markSeen writes all the ads in one transaction: one fsync a batch.
func (b *boltStore) markSeen(source string, ads []*ad.Raw, at time.Time) error {
	err := b.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketAds)
		for _, r := range ads {
			k := key(source, r.ID)
			s := seenAd{FirstSeen: at}
			if old := bk.Get(k); old != nil {
				if err := json.Unmarshal(old, &s); err != nil {
					return err
				}
			}
			if s.Hash != r.ContentHash {
				s.Version++
			}
			s.Hash = r.ContentHash
			data, err := json.Marshal(s)
			if err != nil {
				return err
			}
			if err := bk.Put(k, data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("crawl state: mark %d ads of %s seen: %w", len(ads), source, err)
	}
	return nil
}

func (b *boltStore) page(source, url string) (pageState, bool, error) {
	var p pageState
	ok, err := b.get(bucketPages, key(source, url), &p)
	return p, ok, err
}

func (b *boltStore) savePage(source, url string, p pageState) error {
	return b.put(bucketPages, key(source, url), p)
}

func (b *boltStore) pass(source string) (passState, error) {
	var p passState
	_, err := b.get(bucketPasses, []byte(source), &p)
	return p, err
}

func (b *boltStore) savePass(source string, p passState) error {
	return b.put(bucketPasses, []byte(source), p)
}

func (b *boltStore) close() error { return b.db.Close() }

// memStore keeps the state in memory, for a crawler configured without a
// state file (and for `lurewatch sources check --live`).
type memStore struct {
	mu     sync.Mutex
	ads    map[string]seenAd
	pages  map[string]pageState
	passes map[string]passState
}

func newMemStore() *memStore {
	return &memStore{ads: map[string]seenAd{}, pages: map[string]pageState{}, passes: map[string]passState{}}
}

func (m *memStore) seen(source, id string) (seenAd, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.ads[string(key(source, id))]
	return s, ok, nil
}

func (m *memStore) markSeen(source string, ads []*ad.Raw, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range ads {
		k := string(key(source, r.ID))
		s, ok := m.ads[k]
		if !ok {
			s.FirstSeen = at
		}
		if s.Hash != r.ContentHash {
			s.Version++
		}
		s.Hash = r.ContentHash
		m.ads[k] = s
	}
	return nil
}

func (m *memStore) page(source, url string) (pageState, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pages[string(key(source, url))]
	return p, ok, nil
}

func (m *memStore) savePage(source, url string, p pageState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pages[string(key(source, url))] = p
	return nil
}

func (m *memStore) pass(source string) (passState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.passes[source], nil
}

func (m *memStore) savePass(source string, p passState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.passes[source] = p
	return nil
}

func (m *memStore) close() error { return nil }
