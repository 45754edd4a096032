// Package bustest starts brokers for tests: the embedded broker, and a real
// single-node Apache Kafka from deploy/kafka, each on free ports in a
// temporary directory so that test packages running side by side never
// share one.
package bustest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lurewatch/lurewatch/pkg/bus"
)

// Broker is a running broker for a test.
type Broker struct {
	Name string // "embedded" or "kafka"
	Addr string
	stop func() error
}

// Stop shuts the broker down.
func (b *Broker) Stop() error { return b.stop() }

// Embedded starts the embedded broker with its data in dir.
func Embedded(dir string) (*Broker, error) {
	e, err := bus.StartEmbedded(dir, 0, 6, nil)
	if err != nil {
		return nil, err
	}
	return &Broker{Name: "embedded", Addr: e.Addr(), stop: func() error { e.Close(); return nil }}, nil
}

// Kafka starts a real Apache Kafka broker (KRaft, one node) with
// deploy/kafka/start.sh, in a fresh directory under dir. Its jars are
// fetched from Maven Central on the first run and cached after that.
func Kafka(dir string) (*Broker, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	cport, err := FreePort()
	if err != nil {
		return nil, err
	}
	runDir := filepath.Join(dir, "kafka")
	env := append(os.Environ(),
		"KAFKA_PORT="+strconv.Itoa(port),
		"KAFKA_CONTROLLER_PORT="+strconv.Itoa(cport),
		"KAFKA_RUN_DIR="+runDir,
	)
	script := func(name string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(root, "deploy", "kafka", name))
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("deploy/kafka/%s: %w\n%s", name, err, out.String())
		}
		return nil
	}
	if err := script("start.sh"); err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	return &Broker{Name: "kafka", Addr: addr, stop: func() error { return script("stop.sh") }}, nil
}

// RepoRoot finds the module's root directory from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// FreePort finds a port on 127.0.0.1 that nothing listens on, for a server
// a test starts later. It draws from below Linux's ephemeral range
// (32768–60999): a port from that range can be handed to any listener on
// port 0 (a test's demo site, a client's socket) between this check and
// the server's bind, and the server then fails with "address in use".
func FreePort() (int, error) {
	var err error
	for range 200 {
		port := 20000 + rand.IntN(12000)
		var l net.Listener
		if l, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free port in 20000-31999: %w", err)
}
