package main

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/lurewatch/lurewatch/alert"
	"github.com/lurewatch/lurewatch/classifier"
	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/lurewatch/lurewatch/pkg/bus"
)

// Group names: one consumer group a stage, so each stage scales by running
// more copies of it.
const (
	groupClassifier = "lurewatch-classifier"
	groupIndexer    = "lurewatch-indexer"
	groupAlerter    = "lurewatch-alerter"
)

// rawPublisher sends crawled ads to the raw topic, keyed by ad id.
type rawPublisher struct {
	p     *bus.Producer
	topic string
}

func (r rawPublisher) Publish(ctx context.Context, ads []*ad.Raw) error {
	msgs := make([]bus.Message, len(ads))
	for i, a := range ads {
		data, err := a.Encode()
		if err != nil {
			return fmt.Errorf("encode ad %s: %w", a.ID, err)
		}
		msgs[i] = adMessage(r.topic, a.ID, data)
	}
	return r.p.Publish(ctx, msgs...)
}

func adMessage(topic, id string, data []byte) bus.Message {
	return bus.Message{Topic: topic, Key: []byte(id), Value: data, Headers: map[string]string{
		ad.HeaderSchemaVersion: fmt.Sprint(ad.SchemaVersion),
		"content-type":         "application/json",
	}}
}

func decodeRaw(m bus.Message) (*ad.Raw, error) {
	return ad.DecodeRaw(m.Value, m.Headers[ad.HeaderSchemaVersion])
}

func decodeFlagged(m bus.Message) (*ad.Flagged, error) {
	return ad.DecodeFlagged(m.Value, m.Headers[ad.HeaderSchemaVersion])
}

// runClassifier consumes raw ads, judges each, and publishes the flagged
// ones; an offset is committed only after the flagged ad is acknowledged.
func runClassifier(ctx context.Context, a *app, c *bus.Client, cls *classifier.Classifier) error {
	out := c.NewProducer()
	defer out.Close()
	topics := c.Topics()
	cons := c.NewConsumer(bus.ConsumerOptions{Group: groupClassifier, Topic: topics.Raw})
	a.health.set("classifier", true)
	return bus.Consume(ctx, cons, decodeRaw, func(ctx context.Context, raws []*ad.Raw) error {
		var msgs []bus.Message
		for _, r := range raws {
			v := cls.Classify(r)
			if !v.Flagged {
				continue
			}
			f := ad.Flagged{Raw: *r, Verdict: v}
			data, err := f.Encode()
			if err != nil {
				return bus.Permanent(fmt.Errorf("encode verdict of %s: %w", r.ID, err))
			}
			msgs = append(msgs, adMessage(topics.Flagged, r.ID, data))
		}
		return out.Publish(ctx, msgs...)
	})
}

// runIndexer consumes flagged ads in batches and upserts them; a batch's
// offsets are committed only after the index has it on disk.
func runIndexer(ctx context.Context, a *app, c *bus.Client, idx *index.Index) error {
	cons := c.NewConsumer(bus.ConsumerOptions{Group: groupIndexer, Topic: c.Topics().Flagged, MaxBatch: a.cfg.Index.BatchSize})
	a.health.set("indexer", true)
	return bus.Consume(ctx, cons, decodeFlagged, idx.Upsert)
}

// runAlerter consumes flagged ads into the alerter's outbox and delivers
// them; a batch's offsets are committed only after the outbox has it on
// disk. The caller closes the alerter after this returns.
func runAlerter(ctx context.Context, a *app, c *bus.Client, al *alert.Alerter) error {
	cons := c.NewConsumer(bus.ConsumerOptions{Group: groupAlerter, Topic: c.Topics().Flagged, MaxBatch: 100})
	a.health.set("alerter", true)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return bus.Consume(gctx, cons, decodeFlagged, al.Accept) })
	g.Go(func() error { return al.Run(gctx) })
	return g.Wait()
}
