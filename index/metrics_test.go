package index_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/index/indextest"
)

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	idx := indextest.Open(t, indextest.Ads(), index.WithMetrics(reg))
	if _, err := idx.Search(context.Background(), index.Query{Text: "bavet", Size: 5}); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			switch {
			case m.GetGauge() != nil:
				got[f.GetName()] += m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				got[f.GetName()] += m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				got[f.GetName()] += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	n := float64(len(indextest.Fixtures()))
	for name, want := range map[string]float64{
		"lurewatch_index_docs":          n,
		"lurewatch_index_shards":        2,
		"lurewatch_index_upserts_total": n,
		"lurewatch_index_batch_seconds": 1,
		"lurewatch_index_query_seconds": 1,
	} {
		if got[name] != want {
			t.Errorf("%s = %g, want %g", name, got[name], want)
		}
	}
}
