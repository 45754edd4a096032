package alert

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrLocked means another process has the outbox open.
var ErrLocked = errors.New("the alert outbox is open in another lurewatch process")

// Buckets of the outbox database.
var (
	bucketSeen     = []byte("seen")      // receiver \0 ad id -> seenRec: what each receiver has been told
	bucketThreads  = []byte("threads")   // receiver \0 thread id -> threadRec
	bucketThreadBy = []byte("thread_by") // receiver \0 contact or text key -> thread id
	bucketGroups   = []byte("groups")    // group key -> groupRec
	bucketPending  = []byte("pending")   // group key \0 seq -> Item, waiting for the group to flush
	bucketOutbox   = []byte("outbox")    // seq -> outboxRec, waiting for delivery
	bucketSilences = []byte("silences")  // silence id -> Silence
	allBuckets     = [][]byte{bucketSeen, bucketThreads, bucketThreadBy, bucketGroups, bucketPending, bucketOutbox, bucketSilences}
)

// store is the alerter's durable state in one bbolt file: what was sent to
// whom, threads, groups waiting to flush, the outbox and silences. Every
// change is one fsynced transaction.
type store struct{ db *bolt.DB }

// openStore opens or creates the outbox database in dir.
func openStore(dir string) (*store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("alert outbox: %w", err)
	}
	path := filepath.Join(dir, "outbox.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("alert outbox %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("alert outbox %s: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

func (s *store) update(fn func(*tx) error) error {
	return s.db.Update(func(t *bolt.Tx) error { return fn(&tx{t}) })
}

func (s *store) view(fn func(*tx) error) error {
	return s.db.View(func(t *bolt.Tx) error { return fn(&tx{t}) })
}

// tx is one transaction on the store, with typed accessors.
type tx struct{ t *bolt.Tx }

func (t *tx) b(name []byte) *bolt.Bucket { return t.t.Bucket(name) }

func key(parts ...string) []byte { return []byte(joinKey(parts...)) }

func joinKey(parts ...string) string {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(p)
	}
	return b.String()
}

func (t *tx) get(bucket, k []byte, v any) (bool, error) {
	data := t.b(bucket).Get(k)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("outbox record %s/%q: %w", bucket, k, err)
	}
	return true, nil
}

func (t *tx) put(bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.b(bucket).Put(k, data)
}

func seqKey(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// seenRec remembers that a receiver was told of an ad.
type seenRec struct {
	At     time.Time `json:"at"`
	Thread string    `json:"thread,omitempty"`
}

// threadRec is one alert and the later ads folded into it.
type threadRec struct {
	ID    string    `json:"id"` // the first ad's id
	Title string    `json:"title"`
	Link  string    `json:"link,omitempty"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Reported is when the thread last went out, zero while its first
	// alert still waits in its group.
	Reported time.Time `json:"reported,omitzero"`
	Reposts  int       `json:"reposts"`
}

// groupRec is one group of a route and receiver, and when it flushes next.
type groupRec struct {
	Receiver       string        `json:"receiver"`
	Route          string        `json:"route"`
	Labels         string        `json:"labels,omitempty"`
	Digest         string        `json:"digest,omitempty"`
	GroupInterval  time.Duration `json:"group_interval"`
	RepeatInterval time.Duration `json:"repeat_interval"`
	// NextFlush is zero while the group has nothing waiting.
	NextFlush time.Time `json:"next_flush,omitzero"`
	LastFlush time.Time `json:"last_flush,omitzero"`
}

// outboxRec is a notification waiting for delivery, with its attempts.
type outboxRec struct {
	Notification
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt"`
	LastError   string    `json:"last_error,omitempty"`
	LastReason  string    `json:"last_reason,omitempty"`
}

// newID returns a random id for a notification or a silence.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// addOutbox queues a notification.
func (t *tx) addOutbox(r *outboxRec) error {
	b := t.b(bucketOutbox)
	n, err := b.NextSequence()
	if err != nil {
		return err
	}
	return t.put(bucketOutbox, seqKey(n), r)
}

// outboxEntry is a queued notification and its key.
type outboxEntry struct {
	key []byte
	rec outboxRec
}

// outbox lists the queued notifications, oldest first.
func (t *tx) outbox() ([]outboxEntry, error) {
	var out []outboxEntry
	err := t.b(bucketOutbox).ForEach(func(k, v []byte) error {
		e := outboxEntry{key: bytes.Clone(k)}
		if err := json.Unmarshal(v, &e.rec); err != nil {
			return fmt.Errorf("outbox record %x: %w", k, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// pendingItems lists the items waiting in a group, with their keys.
func (t *tx) pendingItems(group string) ([][]byte, []Item, error) {
	var keys [][]byte
	var items []Item
	prefix := append([]byte(group), 0)
	c := t.b(bucketPending).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var it Item
		if err := json.Unmarshal(v, &it); err != nil {
			return nil, nil, fmt.Errorf("pending record %q: %w", k, err)
		}
		keys = append(keys, bytes.Clone(k))
		items = append(items, it)
	}
	return keys, items, nil
}

func (t *tx) addPending(group string, it *Item) error {
	n, err := t.b(bucketPending).NextSequence()
	if err != nil {
		return err
	}
	return t.put(bucketPending, append(append([]byte(group), 0), seqKey(n)...), it)
}
