package bustest

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// Names are the brokers every bus test runs against.
var Names = []string{"embedded", "kafka"}

// Set starts each kind of broker the first time a test asks for it and
// stops them all at Close. A test package keeps one Set in TestMain.
type Set struct {
	dir     string
	mu      sync.Mutex
	brokers map[string]*Broker
	errs    map[string]error
}

// NewSet makes an empty set whose brokers keep their data under a new
// temporary directory.
func NewSet() (*Set, error) {
	dir, err := os.MkdirTemp("", "lurewatch-brokers-")
	if err != nil {
		return nil, err
	}
	return &Set{dir: dir, brokers: map[string]*Broker{}, errs: map[string]error{}}, nil
}

// Get returns the named broker, starting it if need be. A broker that fails
// to start fails the test: a missing real Kafka is an error, never a skip.
// LUREWATCH_TEST_KAFKA=host:port uses an already running Kafka instead.
func (s *Set) Get(t testing.TB, name string) *Broker {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.brokers[name]; ok {
		return b
	}
	if err, ok := s.errs[name]; ok {
		t.Fatalf("broker %s failed to start earlier: %v", name, err)
	}
	var b *Broker
	var err error
	switch name {
	case "embedded":
		b, err = Embedded(s.dir + "/embedded")
	case "kafka":
		if addr := os.Getenv("LUREWATCH_TEST_KAFKA"); addr != "" {
			b = &Broker{Name: "kafka", Addr: addr, stop: func() error { return nil }}
		} else {
			b, err = Kafka(s.dir)
		}
	default:
		err = fmt.Errorf("unknown broker %q", name)
	}
	if err != nil {
		s.errs[name] = err
		t.Fatalf("start broker %s: %v", name, err)
	}
	s.brokers[name] = b
	return b
}

// Close stops every broker started and removes their data.
func (s *Set) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, b := range s.brokers {
		if err := b.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stop broker %s: %v\n", name, err)
		}
	}
	os.RemoveAll(s.dir)
}

// Main runs a test package's tests with a fresh Set in *brokers and stops
// its brokers afterwards. Call it from TestMain.
func Main(m *testing.M, brokers **Set) {
	s, err := NewSet()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*brokers = s
	code := m.Run()
	s.Close()
	os.Exit(code)
}
