package crawler

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	pages  *prometheus.CounterVec
	ads    *prometheus.CounterVec
	errors *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		pages:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_crawler_pages_total", Help: "Pages fetched, by source and HTTP status."}, []string{"source", "status"}),
		ads:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_crawler_ads_total", Help: "New or changed ads published, by source."}, []string{"source"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_crawler_errors_total", Help: "Crawl failures, by source and reason (fetch, empty)."}, []string{"source", "reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.pages, m.ads, m.errors)
	}
	return m
}
