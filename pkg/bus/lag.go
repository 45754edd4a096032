package bus

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"
)

// lagInterval is how often a consumer measures its group's lag.
const lagInterval = 5 * time.Second

// watchLag measures the group's lag on the topic (end offsets minus committed
// offsets, over all partitions) until ctx is done. Each member reports the
// whole group's lag, so any one of them answers "how far behind are we".
func (c *Consumer) watchLag(ctx context.Context) {
	admin := &kafka.Client{Addr: kafka.TCP(c.client.brokers...), Transport: c.client.transport, Timeout: 10 * time.Second}
	t := time.NewTicker(lagInterval)
	defer t.Stop()
	for {
		if lag, err := groupLag(ctx, admin, c.opts.Group, c.opts.Topic); err == nil {
			c.metrics.lag.WithLabelValues(c.opts.Topic, c.opts.Group).Set(float64(lag))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// GroupLag returns how many messages group has yet to commit on topic.
func (c *Client) GroupLag(ctx context.Context, group, topic string) (int64, error) {
	admin := &kafka.Client{Addr: kafka.TCP(c.brokers...), Transport: c.transport, Timeout: 10 * time.Second}
	return groupLag(ctx, admin, group, topic)
}

func groupLag(ctx context.Context, admin *kafka.Client, group, topic string) (int64, error) {
	md, err := admin.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, err
	}
	var parts []int
	for _, t := range md.Topics {
		for _, p := range t.Partitions {
			parts = append(parts, p.ID)
		}
	}
	committed, err := admin.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		return 0, err
	}
	reqs := make([]kafka.OffsetRequest, len(parts))
	for i, p := range parts {
		reqs[i] = kafka.LastOffsetOf(p)
	}
	ends, err := admin.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return 0, err
	}
	done := map[int]int64{}
	for _, p := range committed.Topics[topic] {
		if p.CommittedOffset > 0 {
			done[p.Partition] = p.CommittedOffset
		}
	}
	var lag int64
	for _, p := range ends.Topics[topic] {
		if d := p.LastOffset - max(done[p.Partition], p.FirstOffset); d > 0 {
			lag += d
		}
	}
	return lag, nil
}
