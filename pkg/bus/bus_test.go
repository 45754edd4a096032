package bus_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/bus"
	"github.com/lurewatch/lurewatch/pkg/bus/bustest"
)

var brokers *bustest.Set

func TestMain(m *testing.M) { bustest.Main(m, &brokers) }

// eachBroker runs the test against the embedded broker and real Kafka, each
// with topics of its own.
func eachBroker(t *testing.T, test func(t *testing.T, c *bus.Client)) {
	for _, name := range bustest.Names {
		t.Run(name, func(t *testing.T) {
			b := brokers.Get(t, name)
			cfg := bus.Config{TopicPrefix: fmt.Sprintf("t%d", rand.Int64()), Partitions: 4, RetryMin: 10 * time.Millisecond, RetryMax: 100 * time.Millisecond}
			c, err := bus.New(cfg, []string{b.Addr}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := c.EnsureTopics(ctx); err != nil {
				t.Fatal(err)
			}
			test(t, c)
		})
	}
}

func publish(t *testing.T, c *bus.Client, topic string, from, to int) {
	t.Helper()
	p := c.NewProducer()
	defer p.Close()
	var msgs []bus.Message
	for i := from; i < to; i++ {
		msgs = append(msgs, bus.Message{Topic: topic, Key: []byte(strconv.Itoa(i)), Value: []byte(strconv.Itoa(i)), Headers: map[string]string{"n": strconv.Itoa(i)}})
	}
	if err := p.Publish(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
}

// sink records what a consumer handled, as an index would.
type sink struct {
	mu    sync.Mutex
	seen  map[int]int // value -> times handled
	total int
}

func newSink() *sink { return &sink{seen: map[int]int{}} }

func (s *sink) add(vs []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vs {
		s.seen[v]++
		s.total++
	}
}

func (s *sink) count() (distinct, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen), s.total
}

func (s *sink) waitFor(t *testing.T, distinct int) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for time.Now().Before(deadline) {
		if d, _ := s.count(); d >= distinct {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	d, _ := s.count()
	t.Fatalf("sink has %d distinct messages, want %d", d, distinct)
}

func decodeInt(m bus.Message) (int, error) { return strconv.Atoi(string(m.Value)) }

// run starts a consumer of the group in the background; stop cancels it and
// waits for its drain to finish.
func run(t *testing.T, c *bus.Client, opts bus.ConsumerOptions, handle func(context.Context, []int) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	cons := c.NewConsumer(opts)
	go func() { done <- bus.Consume(ctx, cons, decodeInt, handle) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("consumer returned %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestProduceConsumeCommit(t *testing.T) {
	eachBroker(t, func(t *testing.T, c *bus.Client) {
		topic := c.Topics().Raw
		publish(t, c, topic, 0, 50)
		s := newSink()
		stop := run(t, c, bus.ConsumerOptions{Group: "g", Topic: topic, MaxBatch: 8}, func(_ context.Context, vs []int) error { s.add(vs); return nil })
		s.waitFor(t, 50)
		stop()
		lag, err := c.GroupLag(context.Background(), "g", topic)
		if err != nil {
			t.Fatal(err)
		}
		if lag != 0 {
			t.Errorf("lag after a clean stop = %d, want 0", lag)
		}
		if _, total := s.count(); total != 50 {
			t.Errorf("handled %d messages, want exactly 50", total)
		}
	})
}

// Two members share the partitions; when one leaves, the other takes over its
// partitions from the committed offsets and nothing is lost.
func TestGroupOfTwoRebalances(t *testing.T) {
	eachBroker(t, func(t *testing.T, c *bus.Client) {
		topic := c.Topics().Raw
		a, b := newSink(), newSink()
		opts := bus.ConsumerOptions{Group: "pair", Topic: topic}
		stopA := run(t, c, opts, func(_ context.Context, vs []int) error { a.add(vs); return nil })
		run(t, c, opts, func(_ context.Context, vs []int) error { b.add(vs); return nil })
		// Wait until both members hold partitions: each must handle some of a
		// steady stream.
		deadline := time.Now().Add(60 * time.Second)
		n := 0
		for {
			publish(t, c, topic, n, n+20)
			n += 20
			time.Sleep(200 * time.Millisecond)
			da, _ := a.count()
			db, _ := b.count()
			if da > 0 && db > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %d messages the members handled %d and %d: no sharing", n, da, db)
			}
		}
		stopA()
		publish(t, c, topic, n, n+100)
		n += 100
		union := func() int {
			a.mu.Lock()
			b.mu.Lock()
			defer a.mu.Unlock()
			defer b.mu.Unlock()
			all := map[int]bool{}
			for v := range a.seen {
				all[v] = true
			}
			for v := range b.seen {
				all[v] = true
			}
			return len(all)
		}
		deadline = time.Now().Add(60 * time.Second)
		for union() < n {
			if time.Now().After(deadline) {
				t.Fatalf("after A left, %d of %d messages were handled", union(), n)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func TestUndecodableGoesToDLQ(t *testing.T) {
	eachBroker(t, func(t *testing.T, c *bus.Client) {
		topics := c.Topics()
		p := c.NewProducer()
		defer p.Close()
		if err := p.Publish(context.Background(),
			bus.Message{Topic: topics.Raw, Key: []byte("bad"), Value: []byte("not a number"), Headers: map[string]string{"origin": "test"}},
			bus.Message{Topic: topics.Raw, Key: []byte("good"), Value: []byte("7")},
		); err != nil {
			t.Fatal(err)
		}
		s := newSink()
		run(t, c, bus.ConsumerOptions{Group: "g", Topic: topics.Raw}, func(_ context.Context, vs []int) error { s.add(vs); return nil })
		s.waitFor(t, 1)

		dead := readOne(t, c, topics.DLQ)
		if string(dead.Value) != "not a number" || string(dead.Key) != "bad" {
			t.Errorf("dead letter = %q/%q, want the original key and value", dead.Key, dead.Value)
		}
		for k, want := range map[string]string{bus.HeaderDLQTopic: topics.Raw, bus.HeaderDLQReason: bus.ReasonDecode, bus.HeaderDLQGroup: "g", "origin": "test"} {
			if got := dead.Headers[k]; got != want {
				t.Errorf("header %s = %q, want %q", k, got, want)
			}
		}
		if dead.Headers[bus.HeaderDLQError] == "" || dead.Headers[bus.HeaderDLQOffset] == "" || dead.Headers[bus.HeaderDLQPartition] == "" {
			t.Errorf("dead letter lacks error, offset or partition: %v", dead.Headers)
		}
	})
}

func TestPermanentHandlerErrorGoesToDLQ(t *testing.T) {
	eachBroker(t, func(t *testing.T, c *bus.Client) {
		topics := c.Topics()
		publish(t, c, topics.Raw, 0, 2)
		s := newSink()
		run(t, c, bus.ConsumerOptions{Group: "g", Topic: topics.Raw}, func(_ context.Context, vs []int) error {
			if vs[0] == 0 {
				return bus.Permanent(errors.New("refused"))
			}
			s.add(vs)
			return nil
		})
		s.waitFor(t, 1)
		dead := readOne(t, c, topics.DLQ)
		if dead.Headers[bus.HeaderDLQReason] != bus.ReasonRejected || dead.Headers[bus.HeaderDLQError] != "refused" {
			t.Errorf("dead letter headers = %v", dead.Headers)
		}
	})
}

// A failing handler is retried until it succeeds; the message is never
// skipped, and nothing after it overtakes it on its partition.
func TestTransientErrorIsRetried(t *testing.T) {
	eachBroker(t, func(t *testing.T, c *bus.Client) {
		topic := c.Topics().Raw
		publish(t, c, topic, 0, 1)
		s := newSink()
		attempts := 0
		run(t, c, bus.ConsumerOptions{Group: "g", Topic: topic}, func(_ context.Context, vs []int) error {
			attempts++
			if attempts < 4 {
				return errors.New("index unavailable")
			}
			s.add(vs)
			return nil
		})
		s.waitFor(t, 1)
		if attempts != 4 {
			t.Errorf("attempts = %d, want 4", attempts)
		}
	})
}

// A consumer stopped halfway and started again continues where it left off:
// every message is handled, and none twice.
func TestRestartWithoutLossOrDuplicates(t *testing.T) {
	eachBroker(t, func(t *testing.T, c *bus.Client) {
		topic := c.Topics().Raw
		publish(t, c, topic, 0, 200)
		s := newSink()
		opts := bus.ConsumerOptions{Group: "restart", Topic: topic, MaxBatch: 10}
		slow := func(_ context.Context, vs []int) error { s.add(vs); time.Sleep(5 * time.Millisecond); return nil }
		stop := run(t, c, opts, slow)
		s.waitFor(t, 50)
		stop()
		first, _ := s.count()
		if first >= 200 {
			t.Fatalf("the first run handled everything (%d); the test needs a stop halfway", first)
		}
		run(t, c, opts, slow)
		s.waitFor(t, 200)
		time.Sleep(300 * time.Millisecond) // let any duplicate arrive
		distinct, total := s.count()
		if distinct != 200 || total != 200 {
			t.Errorf("handled %d distinct, %d in all; want 200 and 200", distinct, total)
		}
	})
}

func readOne(t *testing.T, c *bus.Client, topic string) bus.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	got := make(chan bus.Message, 1)
	cons := c.NewConsumer(bus.ConsumerOptions{Group: "reader-" + strconv.Itoa(rand.Int()), Topic: topic})
	go bus.Consume(ctx, cons, func(m bus.Message) (bus.Message, error) { return m, nil }, func(_ context.Context, ms []bus.Message) error {
		select {
		case got <- ms[0]:
		default:
		}
		return nil
	})
	select {
	case m := <-got:
		cancel()
		return m
	case <-ctx.Done():
		t.Fatalf("nothing arrived on %s", topic)
	}
	return bus.Message{}
}
