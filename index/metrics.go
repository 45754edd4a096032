package index

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the index's Prometheus metrics. Built without a registry they
// are counted but not exported.
type metrics struct {
	docs      prometheus.Gauge
	shards    prometheus.Gauge
	upserts   *prometheus.CounterVec
	batchDur  prometheus.Histogram
	batchSize prometheus.Histogram
	queryDur  *prometheus.HistogramVec
	reindexed prometheus.Counter
	expired   prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		docs: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lurewatch_index_docs", Help: "Flagged ads in the index, all shards.",
		}),
		shards: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lurewatch_index_shards", Help: "Monthly shards behind the index alias.",
		}),
		upserts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_index_upserts_total", Help: "Ads written to the index, by whether the id was new or already held.",
		}, []string{"result"}),
		batchDur: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lurewatch_index_batch_seconds", Help: "Time to write one batch durably, lookups included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lurewatch_index_batch_ads", Help: "Ads in one written batch.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 7),
		}),
		queryDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lurewatch_index_query_seconds", Help: "Time to answer a query, by kind (search, get, similar).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"kind"}),
		reindexed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lurewatch_index_reindexed_ads_total", Help: "Ads copied into a new shard after a mapping change.",
		}),
		expired: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lurewatch_index_expired_shards_total", Help: "Monthly shards dropped by the retention setting.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.docs, m.shards, m.upserts, m.batchDur, m.batchSize, m.queryDur, m.reindexed, m.expired)
	}
	return m
}
