// Package bus carries lurewatch's messages over Kafka: topics, a keyed
// producer, a consumer-group loop that commits only after the handler's effect
// is durable and dead-letters what it cannot decode, and an embedded broker
// for zero-setup runs.
//
// It is the only package that imports a Kafka client.
package bus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// Client is a connection to one Kafka cluster, from which producers and
// consumers are made.
type Client struct {
	cfg       Config
	brokers   []string
	log       *slog.Logger
	metrics   *Metrics
	mechanism sasl.Mechanism
	tls       *tls.Config
	transport *kafka.Transport
}

// New connects lazily to the cluster at brokers (the configured ones, or the
// embedded broker's address). A nil logger or metrics means none.
func New(cfg Config, brokers []string, logger *slog.Logger, metrics *Metrics) (*Client, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("kafka config: %w", err)
	}
	if len(brokers) == 0 {
		return nil, errors.New("kafka: no broker address")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	c := &Client{cfg: cfg, brokers: brokers, log: logger, metrics: metrics}
	var err error
	if c.mechanism, err = saslMechanism(cfg.SASL); err != nil {
		return nil, err
	}
	if c.tls, err = tlsConfig(cfg.TLS); err != nil {
		return nil, err
	}
	c.transport = &kafka.Transport{ClientID: cfg.ClientID, SASL: c.mechanism, TLS: c.tls, DialTimeout: 10 * time.Second}
	return c, nil
}

// Topics returns the deployment's topic names.
func (c *Client) Topics() Topics { return c.cfg.Topics() }

// Close releases idle connections.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// EnsureTopics creates the deployment's topics that do not exist yet, with
// the configured partitions and replication factor. Existing topics are left
// as they are.
func (c *Client) EnsureTopics(ctx context.Context) error {
	topics := c.Topics().All()
	req := &kafka.CreateTopicsRequest{Addr: kafka.TCP(c.brokers...)}
	for _, t := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{Topic: t, NumPartitions: c.cfg.Partitions, ReplicationFactor: c.cfg.ReplicationFactor})
	}
	admin := &kafka.Client{Addr: kafka.TCP(c.brokers...), Transport: c.transport, Timeout: 30 * time.Second}
	var last error
	// The broker may still be starting: try for a while before giving up.
	for attempt := 0; attempt < 30; attempt++ {
		resp, err := admin.CreateTopics(ctx, req)
		if err == nil {
			var errs []error
			for t, terr := range resp.Errors {
				if terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
					errs = append(errs, fmt.Errorf("create topic %s: %w", t, terr))
				}
			}
			if err := errors.Join(errs...); err != nil {
				return err
			}
			return c.awaitTopics(ctx, admin, topics)
		}
		last = err
		if err := c.checkAuth(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return fmt.Errorf("create topics on %s: %w", strings.Join(c.brokers, ","), last)
}

// awaitTopics waits until the metadata shows every topic with leaders, so
// that the first write does not race topic creation.
func (c *Client) awaitTopics(ctx context.Context, admin *kafka.Client, topics []string) error {
	for attempt := 0; ; attempt++ {
		md, err := admin.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
		if err == nil {
			ready := 0
			for _, t := range md.Topics {
				if t.Error == nil && len(t.Partitions) > 0 {
					ready++
				}
			}
			if ready == len(topics) {
				return nil
			}
		}
		if attempt == 50 {
			return fmt.Errorf("topics %v not ready: %v", topics, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// checkAuth tells a refused login from a broker that is still starting:
// kafka-go's transport reports both as "broker not available", but a direct
// dial performs the SASL handshake and says which it is.
func (c *Client) checkAuth(ctx context.Context) error {
	if c.mechanism == nil {
		return nil
	}
	conn, err := c.dialer().DialContext(ctx, "tcp", c.brokers[0])
	if err == nil {
		conn.Close()
		return nil
	}
	if errors.Is(err, kafka.SASLAuthenticationFailed) || errors.Is(err, kafka.UnsupportedSASLMechanism) {
		return fmt.Errorf("kafka at %s refused the credentials of sasl.username %q: %w", c.brokers[0], c.cfg.SASL.Username, err)
	}
	return nil
}

func (c *Client) dialer() *kafka.Dialer {
	return &kafka.Dialer{ClientID: c.cfg.ClientID, Timeout: 10 * time.Second, DualStack: true, SASLMechanism: c.mechanism, TLS: c.tls,
		Resolver: &net.Resolver{}}
}

func saslMechanism(s SASLConfig) (sasl.Mechanism, error) {
	if s.Mechanism == "" {
		return nil, nil
	}
	pass, err := s.password()
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(s.Mechanism) {
	case "plain":
		return plain.Mechanism{Username: s.Username, Password: pass}, nil
	case "scram-sha-256":
		return scram.Mechanism(scram.SHA256, s.Username, pass)
	case "scram-sha-512":
		return scram.Mechanism(scram.SHA512, s.Username, pass)
	}
	return nil, fmt.Errorf("sasl.mechanism: unknown %q", s.Mechanism)
}

func tlsConfig(t TLSConfig) (*tls.Config, error) {
	if !t.Enabled {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca_file: %s holds no PEM certificate", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls.cert_file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
