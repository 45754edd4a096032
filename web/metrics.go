package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the web's Prometheus metrics. Built without a registry they
// are counted but not exported.
type metrics struct {
	requests *prometheus.HistogramVec
	logins   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lurewatch_web_request_seconds", Help: "Time to answer a UI or API request, by route and status code.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"route", "code"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lurewatch_web_logins_total", Help: "Login attempts, by result (ok, failed, csrf).",
		}, []string{"result"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.logins)
	}
	return m
}

// observe counts a request under its route pattern (never its path, which
// holds ids and would make a series an ad).
func (m *metrics) observe(r *http.Request, status int, took time.Duration) {
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Observe(took.Seconds())
}
