package alert

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the alerter's Prometheus metrics.
type Metrics struct {
	routed     *prometheus.CounterVec
	unrouted   prometheus.Counter
	accepted   *prometheus.CounterVec
	suppressed *prometheus.CounterVec
	sent       *prometheus.CounterVec
	sentAds    *prometheus.CounterVec
	failed     *prometheus.CounterVec
	failures   *prometheus.GaugeVec
	up         *prometheus.GaugeVec
	outbox     *prometheus.GaugeVec
	pending    *prometheus.GaugeVec
}

// NewMetrics creates the metrics and registers them with reg. A nil reg
// gives working metrics that nobody scrapes.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		routed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_alert_routed_total", Help: "Flagged ads routed to a receiver, before dedupe and silences.",
		}, []string{"receiver"}),
		unrouted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lurewatch_alert_unrouted_total", Help: "Flagged ads that no route sent anywhere.",
		}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_alert_accepted_total", Help: "Alerts written to the outbox's groups, new or folded into a thread, by receiver.",
		}, []string{"receiver"}),
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_alert_suppressed_total", Help: "Alerts not sent as new ones, by receiver and reason (duplicate, silenced, folded).",
		}, []string{"receiver", "reason"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_alert_notifications_sent_total", Help: "Notifications delivered, by receiver and integration.",
		}, []string{"receiver", "integration"}),
		sentAds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_alert_sent_total", Help: "Ads delivered in notifications, by receiver and integration.",
		}, []string{"receiver", "integration"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_alert_failed_total", Help: "Failed delivery attempts, by receiver, integration and reason.",
		}, []string{"receiver", "integration", "reason"}),
		failures: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lurewatch_alert_receiver_failures", Help: "Failed attempts in a row of the notification at the head of an integration's queue.",
		}, []string{"receiver", "integration"}),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lurewatch_alert_receiver_up", Help: "1 when an integration delivers, 0 after max_failures failed attempts in a row.",
		}, []string{"receiver", "integration"}),
		outbox: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lurewatch_alert_outbox_notifications", Help: "Notifications waiting in the outbox, by receiver.",
		}, []string{"receiver"}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lurewatch_alert_pending_ads", Help: "Ads waiting in groups for their next flush (group_wait, digests, quiet hours), by receiver.",
		}, []string{"receiver"}),
	}
	if reg != nil {
		reg.MustRegister(m.routed, m.unrouted, m.accepted, m.suppressed, m.sent, m.sentAds, m.failed, m.failures, m.up, m.outbox, m.pending)
	}
	return m
}
