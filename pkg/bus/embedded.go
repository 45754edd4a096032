package bus

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Embedded is an in-process Kafka-protocol broker for runs with no cluster
// configured. It persists under its data directory, so ads produced before a
// restart are consumed after it, and it speaks the same protocol as Kafka, so
// every stage runs the same client code as in production.
type Embedded struct {
	cluster *kfake.Cluster
	addr    string
}

// StartEmbedded starts the broker on 127.0.0.1:port (0 picks a free port),
// keeping its log and offsets in dir.
func StartEmbedded(dir string, port int, partitions int, logger *slog.Logger) (*Embedded, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded broker data directory: %w", err)
	}
	if partitions <= 0 {
		partitions = 6
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.Ports(port),
		kfake.DataDir(dir),
		kfake.DefaultNumPartitions(partitions),
		kfake.ClusterID("lurewatch-embedded"),
	}
	if logger != nil {
		opts = append(opts, kfake.WithLogger(slogAdapter{logger}))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded broker on port %d (data in %s): %w", port, dir, err)
	}
	return &Embedded{cluster: c, addr: c.ListenAddrs()[0]}, nil
}

// Addr returns the broker's host:port.
func (e *Embedded) Addr() string { return e.addr }

// Close stops the broker and writes its state to disk.
func (e *Embedded) Close() { e.cluster.Close() }

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Logf(level kfake.LogLevel, msg string, args ...any) {
	switch level {
	case kfake.LogLevelError:
		a.l.Error(fmt.Sprintf(msg, args...), "component", "embedded-broker")
	case kfake.LogLevelWarn:
		a.l.Warn(fmt.Sprintf(msg, args...), "component", "embedded-broker")
	}
}
