package crawler

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	pages   *prometheus.CounterVec
	bytes   *prometheus.CounterVec
	ads     *prometheus.CounterVec
	errors  *prometheus.CounterVec
	retries *prometheus.CounterVec
}

// newMetrics registers the crawler's metrics with reg; with a nil reg they
// are counted but not exported.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_crawler_pages_total",
			Help: "Pages fetched, by source and HTTP status (304 for unchanged pages)."}, []string{"source", "status"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_crawler_bytes_total",
			Help: "Bytes of pages read, after decompression, by source."}, []string{"source"}),
		ads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_crawler_ads_total",
			Help: "Ads published, by source and whether new or a changed version."}, []string{"source", "kind"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_crawler_errors_total",
			Help: "Crawl problems, by source and reason: " + reasonList() + "."}, []string{"source", "reason"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lurewatch_crawler_retries_total",
			Help: "Requests retried after a 429, a 5xx or a network failure, by source."}, []string{"source"}),
	}
	if reg != nil {
		reg.MustRegister(m.pages, m.bytes, m.ads, m.errors, m.retries)
	}
	return m
}

func reasonList() string {
	s := ""
	for i, r := range Reasons {
		if i > 0 {
			s += ", "
		}
		s += r
	}
	return s
}
