package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// Message is one Kafka record, as produced or consumed.
type Message struct {
	Topic     string
	Partition int
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   map[string]string
	Time      time.Time
}

// Producer writes keyed messages and returns once every in-sync replica has
// acknowledged them.
type Producer struct {
	w       *kafka.Writer
	metrics *Metrics
}

// NewProducer returns a producer for any of the cluster's topics. Messages
// with the same key go to the same partition (murmur2, as Java clients do),
// so one ad's versions stay in order.
func (c *Client) NewProducer() *Producer {
	return &Producer{metrics: c.metrics, w: &kafka.Writer{
		Addr:         kafka.TCP(c.brokers...),
		Balancer:     &kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll,
		Compression:  kafka.Snappy,
		// kafka-go's default of one second would make every synchronous
		// write wait a second for company.
		BatchTimeout:    c.cfg.BatchTimeout,
		BatchBytes:      4 << 20,
		MaxAttempts:     5,
		WriteBackoffMin: 50 * time.Millisecond,
		WriteBackoffMax: 2 * time.Second,
		Transport:       c.transport,
		ErrorLogger:     kafka.LoggerFunc(func(f string, a ...any) { c.log.Warn(fmt.Sprintf(f, a...), "component", "producer") }),
	}}
}

// Publish writes the messages and waits for their acknowledgement. When it
// returns nil every message is durable on the brokers.
func (p *Producer) Publish(ctx context.Context, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	kms := make([]kafka.Message, len(msgs))
	for i, m := range msgs {
		if m.Topic == "" {
			return errors.New("publish: message without a topic")
		}
		kms[i] = kafka.Message{Topic: m.Topic, Key: m.Key, Value: m.Value, Headers: toHeaders(m.Headers)}
	}
	if err := p.w.WriteMessages(ctx, kms...); err != nil {
		return fmt.Errorf("publish %d messages to %s: %w", len(msgs), msgs[0].Topic, err)
	}
	for _, m := range msgs {
		p.metrics.produced.WithLabelValues(m.Topic).Inc()
	}
	return nil
}

// Close flushes and closes the producer.
func (p *Producer) Close() error { return p.w.Close() }

func toHeaders(h map[string]string) []kafka.Header {
	if len(h) == 0 {
		return nil
	}
	out := make([]kafka.Header, 0, len(h))
	for k, v := range h {
		out = append(out, kafka.Header{Key: k, Value: []byte(v)})
	}
	return out
}

func fromHeaders(hs []kafka.Header) map[string]string {
	if len(hs) == 0 {
		return nil
	}
	out := make(map[string]string, len(hs))
	for _, h := range hs {
		out[h.Key] = string(h.Value)
	}
	return out
}
