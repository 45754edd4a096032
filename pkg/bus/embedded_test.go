package bus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/lurewatch/lurewatch/pkg/bus"
)

// Ads produced before the embedded broker stops are consumed after it
// starts again on the same data directory.
func TestEmbeddedBrokerKeepsMessagesAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := bus.Config{TopicPrefix: "restart", Partitions: 3}
	first, err := bus.StartEmbedded(dir, 0, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := bus.New(cfg, []string{first.Addr()}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	publish(t, c, c.Topics().Raw, 0, 40)
	c.Close()
	first.Close()

	second, err := bus.StartEmbedded(dir, 0, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	c, err = bus.New(cfg, []string{second.Addr()}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := newSink()
	run(t, c, bus.ConsumerOptions{Group: "after-restart", Topic: c.Topics().Raw}, func(_ context.Context, vs []int) error { s.add(vs); return nil })
	s.waitFor(t, 40)
}

// With SASL configured, the client authenticates; a wrong password is
// refused with an error rather than hanging.
func TestSASLPlain(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("PLAIN", "lurewatch", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	addr := cluster.ListenAddrs()

	t.Setenv("TEST_KAFKA_PASSWORD", "s3cret")
	cfg := bus.Config{TopicPrefix: "sasl", Partitions: 1, SASL: bus.SASLConfig{Mechanism: "plain", Username: "lurewatch", PasswordEnv: "TEST_KAFKA_PASSWORD"}}
	c, err := bus.New(cfg, addr, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.EnsureTopics(ctx); err != nil {
		t.Fatalf("authenticated client: %v", err)
	}
	publish(t, c, c.Topics().Raw, 0, 3)
	s := newSink()
	run(t, c, bus.ConsumerOptions{Group: "sasl", Topic: c.Topics().Raw}, func(_ context.Context, vs []int) error { s.add(vs); return nil })
	s.waitFor(t, 3)

	t.Setenv("TEST_KAFKA_PASSWORD", "wrong")
	bad, err := bus.New(cfg, addr, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	short, cancelShort := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelShort()
	if err := bad.EnsureTopics(short); err == nil || !strings.Contains(err.Error(), "refused the credentials") {
		t.Fatalf("a wrong password gave %v; want a refusal that names the credentials", err)
	}
}

func TestConfigValidateNamesTheKey(t *testing.T) {
	for _, tc := range []struct {
		cfg  bus.Config
		want string
	}{
		{bus.Config{Brokers: []string{"localhost"}}, "brokers[0]"},
		{bus.Config{TopicPrefix: "a b"}, "topic_prefix"},
		{bus.Config{Partitions: -1}, "partitions"},
		{bus.Config{SASL: bus.SASLConfig{Mechanism: "kerberos"}}, "sasl.mechanism"},
		{bus.Config{SASL: bus.SASLConfig{Mechanism: "plain", Username: "u"}}, "sasl.password_env"},
		{bus.Config{TLS: bus.TLSConfig{CertFile: "c.pem"}}, "tls.cert_file"},
	} {
		tc.cfg.Defaults()
		err := tc.cfg.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want it to start with %q", tc.cfg, err, tc.want)
		}
	}
}
