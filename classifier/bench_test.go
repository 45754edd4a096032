package classifier

import (
	"bytes"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// benchAds loads the evaluation corpora when they sit beside the
// repository (../shared/eval), and the project's fixtures otherwise.
func benchAds(b *testing.B) ([]ad.Raw, int64) {
	b.Helper()
	files, _ := filepath.Glob("../../shared/eval/*.jsonl")
	if len(files) == 0 {
		files = []string{"testdata/ads.jsonl"}
	}
	var ads []ad.Raw
	var size int64
	for _, f := range files {
		la, err := ReadCorpus(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range la {
			ads = append(ads, a.Ad)
			size += int64(len(a.Ad.Title) + len(a.Ad.Body) + len(a.Ad.Location) + len(a.Ad.Salary) + len(a.Ad.Company))
		}
	}
	b.Logf("%d ads, %.1f MB from %v", len(ads), float64(size)/1e6, files)
	return ads, size
}

// BenchmarkClassify runs the full rule pack over the corpora (one
// iteration is every ad once) beside a naive baseline that normalises the
// same text and then looks for each keyword with its own bytes.Index scan.
func BenchmarkClassify(b *testing.B) {
	c := shippedClassifier(b)
	ads, size := benchAds(b)
	// CPU seconds per pass over the corpora, by each sub-benchmark, for
	// the ratio the naive one reports.
	var rulePackCPU float64
	b.Run("rule-pack", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			for i := range ads {
				c.Classify(&ads[i])
			}
		}
		cpu := (cpuTime() - cpu0).Seconds()
		b.ReportMetric(float64(len(ads))*float64(b.N)/b.Elapsed().Seconds(), "ads/s")
		// On a shared machine wall time undercounts: these divide by the
		// CPU time the process was given, which is what a core delivers.
		b.ReportMetric(float64(size)*float64(b.N)/cpu/1e6, "MB/cpu-s")
		b.ReportMetric(float64(len(ads))*float64(b.N)/cpu, "ads/cpu-s")
		rulePackCPU = cpu / float64(b.N)
		b.ReportMetric(float64(testing.AllocsPerRun(1, func() { c.Classify(&ads[len(ads)/2]) })), "allocs/ad")
		// Allocations do not grow with an ad's text or matches: the most
		// any ad of the corpora needs.
		most := 0.0
		for i := range ads {
			most = max(most, testing.AllocsPerRun(1, func() { c.Classify(&ads[i]) }))
		}
		b.ReportMetric(most, "max-allocs/ad")
	})
	p := c.cur.Load().p
	b.Run("naive-keywords", func(b *testing.B) {
		b.SetBytes(size)
		st := newAdState(p)
		cpu0 := cpuTime()
		for b.Loop() {
			for i := range ads {
				naiveScan(st, &ads[i])
			}
		}
		cpu := (cpuTime() - cpu0).Seconds()
		b.ReportMetric(float64(len(ads))*float64(b.N)/b.Elapsed().Seconds(), "ads/s")
		b.ReportMetric(float64(size)*float64(b.N)/cpu/1e6, "MB/cpu-s")
		// How many times faster the rule pack is, from the CPU time of
		// both in this run: the figure that holds on a busy machine.
		if rulePackCPU > 0 {
			b.ReportMetric(cpu/float64(b.N)/rulePackCPU, "x-rule-pack-faster")
		}
	})
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// naiveScan is the baseline: every keyword searched separately.
func naiveScan(st *adState, r *ad.Raw) int {
	n := 0
	for f, s := range [nFields]string{r.Title, r.Body, r.Location, r.Salary, r.Company} {
		st.norm.normalize(&st.f[f], s)
		t := st.f[f].text
		for i := range st.p.patterns {
			pat := []byte(st.p.patterns[i].text)
			for off := 0; ; {
				j := bytes.Index(t[off:], pat)
				if j < 0 {
					break
				}
				n++
				off += j + 1
			}
		}
	}
	return n
}

// BenchmarkMatchSpeedup times the automaton and the naive search on the
// same normalised text in one run and reports how many times faster the
// automaton is.
func BenchmarkMatchSpeedup(b *testing.B) {
	c := shippedClassifier(b)
	ads, _ := benchAds(b)
	p := c.cur.Load().p
	st := newAdState(p)
	var texts [][]byte
	var size int
	for i := range ads {
		for _, s := range []string{ads[i].Title, ads[i].Body} {
			st.norm.normalize(&st.f[0], s)
			texts = append(texts, bytes.Clone(st.f[0].text))
			size += len(st.f[0].text)
		}
	}
	pats := make([][]byte, len(p.patterns))
	for i := range p.patterns {
		pats[i] = []byte(p.patterns[i].text)
	}
	var tAC, tNaive time.Duration
	var buf []acMatch
	for b.Loop() {
		start := time.Now()
		for _, t := range texts {
			buf, _ = p.ac.scan(t, buf[:0], maxMatchesPerAd)
		}
		tAC += time.Since(start)
		start = time.Now()
		for _, t := range texts {
			for _, pat := range pats {
				for off := 0; ; {
					j := bytes.Index(t[off:], pat)
					if j < 0 {
						break
					}
					off += j + 1
				}
			}
		}
		tNaive += time.Since(start)
	}
	b.ReportMetric(float64(tNaive)/float64(tAC), "x-faster")
	b.ReportMetric(float64(size)*float64(b.N)/tAC.Seconds()/1e6, "automaton-MB/s")
	b.ReportMetric(float64(size)*float64(b.N)/tNaive.Seconds()/1e6, "naive-MB/s")
	b.ReportMetric(float64(len(pats)), "keywords")
}
