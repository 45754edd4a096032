package bus

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
)

// DLQ headers, added to a dead-lettered message beside its own.
const (
	HeaderDLQError     = "dlq-error"
	HeaderDLQReason    = "dlq-reason"
	HeaderDLQTopic     = "dlq-topic"
	HeaderDLQPartition = "dlq-partition"
	HeaderDLQOffset    = "dlq-offset"
	HeaderDLQGroup     = "dlq-group"
	HeaderDLQTime      = "dlq-time"
)

// Reasons a message is dead-lettered, a fixed set for metrics.
const (
	ReasonDecode   = "decode"   // the message could not be decoded or validated
	ReasonRejected = "rejected" // the handler said no retry can help
)

// ConsumerOptions tune one consumer.
type ConsumerOptions struct {
	// Group is the consumer group; its members share the topic's partitions.
	Group string
	Topic string
	// MaxBatch is how many messages are handed over at once (default 1).
	MaxBatch int
	// MaxWait is how long a batch waits to fill once it has its first
	// message (default 100ms).
	MaxWait time.Duration
}

// Consumer reads a topic as a member of a consumer group.
type Consumer struct {
	opts    ConsumerOptions
	client  *Client
	reader  *kafka.Reader
	dlq     *Producer
	log     *slog.Logger
	metrics *Metrics
}

// NewConsumer joins opts.Group on opts.Topic. A new group starts at the
// oldest message, so nothing produced before the first start is missed.
func (c *Client) NewConsumer(opts ConsumerOptions) *Consumer {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 1
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 100 * time.Millisecond
	}
	log := c.log.With("topic", opts.Topic, "group", opts.Group)
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     c.brokers,
		GroupID:     opts.Group,
		Topic:       opts.Topic,
		Dialer:      c.dialer(),
		MinBytes:    1,
		MaxBytes:    10 << 20,
		MaxWait:     250 * time.Millisecond,
		StartOffset: kafka.FirstOffset,
		// Commits are explicit and synchronous: an offset moves only after
		// the handler's effect is durable.
		CommitInterval:        0,
		HeartbeatInterval:     time.Second,
		SessionTimeout:        10 * time.Second,
		RebalanceTimeout:      10 * time.Second,
		JoinGroupBackoff:      500 * time.Millisecond,
		ReadBackoffMin:        50 * time.Millisecond,
		ReadBackoffMax:        500 * time.Millisecond,
		WatchPartitionChanges: true,
		ErrorLogger:           kafka.LoggerFunc(func(f string, a ...any) { log.Debug(fmt.Sprintf(f, a...), "component", "reader") }),
	})
	return &Consumer{opts: opts, client: c, reader: r, dlq: c.NewProducer(), log: log, metrics: c.metrics}
}

// Consume runs the consumer loop until ctx is cancelled: fetch a batch,
// decode each message, hand the decoded batch to handle, then commit.
//
// A message that decode refuses goes to the dead-letter topic and is then
// committed. An error from handle is retried with backoff, never skipped;
// an error marked Permanent dead-letters the batch instead. On cancellation
// the loop stops fetching, lets the batch in hand finish (its retries
// excepted), commits what is done, and leaves the group.
func Consume[T any](ctx context.Context, c *Consumer, decode func(Message) (T, error), handle func(context.Context, []T) error) error {
	defer c.close()
	lagCtx, stopLag := context.WithCancel(ctx)
	defer stopLag()
	go c.watchLag(lagCtx)
	for {
		batch, err := c.fetch(ctx)
		if len(batch) == 0 {
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				c.metrics.errors.WithLabelValues(c.opts.Topic, c.opts.Group, "fetch").Inc()
				return fmt.Errorf("fetch from %s: %w", c.opts.Topic, err)
			}
			continue
		}
		// The batch in hand finishes even when shutdown has begun, so that
		// its effect and its commit happen together.
		work := context.WithoutCancel(ctx)
		items := make([]T, 0, len(batch))
		kept := make([]Message, 0, len(batch))
		for _, m := range batch {
			v, err := decode(m)
			if err != nil {
				if c.deadLetter(ctx, m, ReasonDecode, err) != nil {
					return nil // shutting down before the DLQ took it: leave it uncommitted
				}
				continue
			}
			items = append(items, v)
			kept = append(kept, m)
		}
		if len(items) > 0 {
			start := time.Now()
			err := handleWithRetry(ctx, work, c, items, handle)
			c.metrics.handleDur.WithLabelValues(c.opts.Topic, c.opts.Group).Observe(time.Since(start).Seconds())
			switch {
			case IsPermanent(err):
				for _, m := range kept {
					if c.deadLetter(ctx, m, ReasonRejected, err) != nil {
						return nil
					}
				}
			case err != nil:
				// Shutting down mid-retry: leave the batch uncommitted so that
				// it is delivered again.
				return nil
			}
		}
		c.commit(work, batch)
		c.metrics.consumed.WithLabelValues(c.opts.Topic, c.opts.Group).Add(float64(len(kept)))
	}
}

// handle calls the handler until it succeeds, fails permanently, or ctx is
// cancelled between attempts.
func handleWithRetry[T any](ctx, work context.Context, c *Consumer, items []T, handle func(context.Context, []T) error) error {
	delay := c.client.cfg.RetryMin
	for attempt := 1; ; attempt++ {
		err := handle(work, items)
		if err == nil || IsPermanent(err) {
			return err
		}
		c.metrics.errors.WithLabelValues(c.opts.Topic, c.opts.Group, "handle").Inc()
		c.log.Warn("handler failed; will retry", "attempt", attempt, "batch", len(items), "retry_in", delay, "err", err)
		if err := sleep(ctx, jitter(delay)); err != nil {
			return err
		}
		delay = min(delay*2, c.client.cfg.RetryMax)
	}
}

// fetch blocks for the first message, then gathers more for up to MaxWait.
func (c *Consumer) fetch(ctx context.Context) ([]Message, error) {
	m, err := c.reader.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	batch := []Message{fromKafka(m)}
	if c.opts.MaxBatch == 1 {
		return batch, nil
	}
	fill, cancel := context.WithTimeout(ctx, c.opts.MaxWait)
	defer cancel()
	for len(batch) < c.opts.MaxBatch {
		m, err := c.reader.FetchMessage(fill)
		if err != nil {
			break
		}
		batch = append(batch, fromKafka(m))
	}
	return batch, nil
}

// commit marks the batch done. A failed commit (a rebalance took the
// partition, say) is logged: the messages will be delivered again, and the
// sinks are idempotent.
func (c *Consumer) commit(ctx context.Context, batch []Message) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	kms := make([]kafka.Message, len(batch))
	for i, m := range batch {
		kms[i] = kafka.Message{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset}
	}
	if err := c.reader.CommitMessages(ctx, kms...); err != nil {
		c.metrics.errors.WithLabelValues(c.opts.Topic, c.opts.Group, "commit").Inc()
		c.log.Warn("commit failed; the batch will be delivered again", "messages", len(batch), "err", err)
	}
}

// deadLetter writes m to the DLQ topic with headers naming why and whence,
// retrying until the write is acknowledged: a message is never committed
// before it is safe somewhere.
func (c *Consumer) deadLetter(ctx context.Context, m Message, reason string, cause error) error {
	headers := make(map[string]string, len(m.Headers)+7)
	for k, v := range m.Headers {
		headers[k] = v
	}
	headers[HeaderDLQError] = cause.Error()
	headers[HeaderDLQReason] = reason
	headers[HeaderDLQTopic] = m.Topic
	headers[HeaderDLQPartition] = strconv.Itoa(m.Partition)
	headers[HeaderDLQOffset] = strconv.FormatInt(m.Offset, 10)
	headers[HeaderDLQGroup] = c.opts.Group
	headers[HeaderDLQTime] = time.Now().UTC().Format(time.RFC3339Nano)
	dl := Message{Topic: c.client.Topics().DLQ, Key: m.Key, Value: m.Value, Headers: headers}
	delay := c.client.cfg.RetryMin
	for {
		err := c.dlq.Publish(context.WithoutCancel(ctx), dl)
		if err == nil {
			break
		}
		c.metrics.errors.WithLabelValues(c.opts.Topic, c.opts.Group, "produce").Inc()
		c.log.Error("dead-letter write failed; will retry", "offset", m.Offset, "err", err)
		if err := sleep(ctx, jitter(delay)); err != nil {
			return err
		}
		delay = min(delay*2, c.client.cfg.RetryMax)
	}
	c.metrics.dlq.WithLabelValues(c.opts.Topic, c.opts.Group, reason).Inc()
	c.log.Warn("message sent to the dead-letter topic", "partition", m.Partition, "offset", m.Offset, "reason", reason, "err", cause)
	return nil
}

func (c *Consumer) close() {
	if err := c.reader.Close(); err != nil {
		c.log.Warn("closing reader", "err", err)
	}
	if err := c.dlq.Close(); err != nil {
		c.log.Warn("closing dead-letter producer", "err", err)
	}
}

func fromKafka(m kafka.Message) Message {
	return Message{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value, Headers: fromHeaders(m.Headers), Time: m.Time}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// jitter spreads retries of many consumers over ±25% of d.
func jitter(d time.Duration) time.Duration {
	return d - d/4 + time.Duration(rand.Int64N(int64(d/2)+1))
}
