package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/lurewatch/lurewatch/pkg/bus"
)

const brokerHelp = `
Runs the embedded Kafka-protocol broker alone on 127.0.0.1:kafka.embedded_port,
keeping its data under data_dir/broker, so that stages started as separate
processes (lurewatch crawl, classify, index) can share it without a Kafka
cluster. For production, point kafka.brokers at a real cluster instead.`

func cmdBroker(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "broker", "[flags]", brokerHelp)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := newApp(e, &cf)
	if err != nil {
		return err
	}
	dir := filepath.Join(a.cfg.DataDir, "broker")
	b, err := bus.StartEmbedded(dir, a.cfg.Kafka.EmbeddedPort, a.cfg.Kafka.Partitions, a.log)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintf(e.stdout, "embedded broker listening on %s (data in %s); stop with Ctrl-C\n", b.Addr(), dir)
	<-ctx.Done()
	return nil
}
