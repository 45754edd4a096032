package main

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/bus"
)

// `lurewatch broker` serves the embedded broker alone, for stages run as
// separate processes; a client produces to it and reads back.
func TestBrokerCommand(t *testing.T) {
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	args := append([]string{"broker"}, testSettings(t, "127.0.0.1:"+strconv.Itoa(freePort(t)))...)
	args = append(args, "--set", "kafka.embedded_port="+strconv.Itoa(port))
	go func() { done <- realMain(ctx, args, testEnv(&out)) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("broker exited %d:\n%s", code, out.String())
		}
	}()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	waitFor(t, "the broker to listen", 30*time.Second, func() bool { return strings.Contains(out.String(), "listening on "+addr) })

	c, err := bus.New(bus.Config{TopicPrefix: "cli"}, []string{addr}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ectx, ecancel := context.WithTimeout(ctx, 30*time.Second)
	defer ecancel()
	if err := c.EnsureTopics(ectx); err != nil {
		t.Fatal(err)
	}
	p := c.NewProducer()
	defer p.Close()
	if err := p.Publish(ectx, bus.Message{Topic: c.Topics().Raw, Key: []byte("k"), Value: []byte("hello")}); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	cctx, ccancel := context.WithCancel(ectx)
	defer ccancel()
	go bus.Consume(cctx, c.NewConsumer(bus.ConsumerOptions{Group: "g", Topic: c.Topics().Raw}),
		func(m bus.Message) (string, error) { return string(m.Value), nil },
		func(_ context.Context, vs []string) error { got <- vs[0]; return nil })
	select {
	case v := <-got:
		if v != "hello" {
			t.Errorf("read %q, want hello", v)
		}
	case <-ectx.Done():
		t.Fatal("nothing read back from the broker")
	}
}
