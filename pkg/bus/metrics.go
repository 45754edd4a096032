package bus

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the bus's Prometheus metrics, shared by every producer and
// consumer of a process.
type Metrics struct {
	consumed  *prometheus.CounterVec
	produced  *prometheus.CounterVec
	dlq       *prometheus.CounterVec
	errors    *prometheus.CounterVec
	lag       *prometheus.GaugeVec
	handleDur *prometheus.HistogramVec
}

// NewMetrics creates the metrics and registers them with reg. A nil reg
// gives working metrics that nobody scrapes.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		consumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_bus_consumed_total", Help: "Messages handled and committed, by topic and consumer group.",
		}, []string{"topic", "group"}),
		produced: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_bus_produced_total", Help: "Messages acknowledged by the brokers, by topic.",
		}, []string{"topic"}),
		dlq: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_bus_dlq_total", Help: "Messages sent to the dead-letter topic, by origin topic, group and reason (decode, rejected).",
		}, []string{"topic", "group", "reason"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_bus_errors_total", Help: "Failures that were retried, by topic, group and kind (handle, commit, fetch, produce).",
		}, []string{"topic", "group", "kind"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lurewatch_bus_lag", Help: "Messages behind the end of the topic, as last seen by the consumer.",
		}, []string{"topic", "group"}),
		handleDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lurewatch_bus_handle_seconds", Help: "Time to handle one batch, retries included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 10),
		}, []string{"topic", "group"}),
	}
	if reg != nil {
		reg.MustRegister(m.consumed, m.produced, m.dlq, m.errors, m.lag, m.handleDur)
	}
	return m
}
