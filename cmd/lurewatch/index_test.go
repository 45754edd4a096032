package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/lurewatch/lurewatch/pkg/bus"
	"github.com/lurewatch/lurewatch/pkg/bus/bustest"
)

// killTestAds are n ads over three months; every fifth is seen again a day
// later. It returns them in publishing order and each id's sightings.
func killTestAds(n int) ([]*ad.Flagged, map[string]int) {
	var out []*ad.Flagged
	sightings := map[string]int{}
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		posted := base.Add(time.Duration(i%90) * 24 * time.Hour)
		r := ad.Raw{ID: ad.NewID("kill-test", strconv.Itoa(i)), Source: "kill-test", FetchedAt: posted.Add(time.Hour), PostedAt: posted,
			Title: fmt.Sprintf("Typist wanted in Bavet, ad %d", i), Body: "No experience, free flight, USD 1,200 a month. Telegram @kill_" + strconv.Itoa(i%40)}
		r.Seal()
		f := &ad.Flagged{Raw: r, Verdict: ad.Verdict{Level: ad.LevelHigh, Flagged: true, Score: 7, ClassifiedAt: r.FetchedAt}}
		out = append(out, f)
		sightings[r.ID]++
		if i%5 == 0 {
			again := *f
			again.FetchedAt = f.FetchedAt.Add(24 * time.Hour)
			out = append(out, &again)
			sightings[r.ID]++
		}
	}
	return out, sightings
}

func publish(t *testing.T, ctx context.Context, c *bus.Client, ads []*ad.Flagged) {
	t.Helper()
	p := c.NewProducer()
	defer p.Close()
	for start := 0; start < len(ads); start += 100 {
		var msgs []bus.Message
		for _, a := range ads[start:min(len(ads), start+100)] {
			data, err := a.Encode()
			if err != nil {
				t.Error(err)
				return
			}
			msgs = append(msgs, adMessage(c.Topics().Flagged, a.ID, data))
		}
		if err := p.Publish(ctx, msgs...); err != nil {
			t.Errorf("publish: %v", err)
			return
		}
	}
}

// indexedDocs reads lurewatch_index_docs from the process's /metrics, or -1.
func indexedDocs(addr string) int {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "lurewatch_index_docs "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return -1
			}
			return int(f)
		}
	}
	return -1
}

// An indexer killed with SIGKILL in the middle of a stream loses nothing
// and doubles nothing: after a restart every ad is in the index exactly
// once, with exactly the sightings it had, although some batches were
// delivered twice.
func TestIndexerKilledMidStreamKeepsEveryAdOnce(t *testing.T) {
	dir := t.TempDir()
	broker, err := bustest.Embedded(filepath.Join(dir, "broker"))
	if err != nil {
		t.Fatal(err)
	}
	defer broker.Stop()
	kcfg := bus.Config{Brokers: []string{broker.Addr}}
	kcfg.Defaults()
	client, err := bus.New(kcfg, kcfg.Brokers, nil, bus.NewMetrics(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := client.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}

	ads, sightings := killTestAds(3000)
	half := len(ads) / 2
	publish(t, ctx, client, ads[:half])

	bin := buildBinary(t)
	httpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	dataDir := filepath.Join(dir, "data")
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "index",
			"--set", "kafka.brokers="+broker.Addr, "--set", "data_dir="+dataDir,
			"--set", "http.listen="+httpAddr, "--set", "index.batch_size=50", "--set", "log.level=warn")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}

	first := start()
	published := make(chan struct{})
	go func() {
		defer close(published)
		publish(t, ctx, client, ads[half:])
	}()
	// Kill it once it has written some batches, while ads still arrive.
	for indexedDocs(httpAddr) < 200 {
		if ctx.Err() != nil {
			t.Fatal("the indexer wrote nothing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("killing the indexer at %d ads indexed", indexedDocs(httpAddr))
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	<-published

	second := start()
	for indexedDocs(httpAddr) < len(sightings) {
		if ctx.Err() != nil {
			t.Fatalf("after the restart the indexer holds %d ads of %d", indexedDocs(httpAddr), len(sightings))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// lurewatch search finds the running server and its token with no flags
	// but where they are, flags after the query.
	var out, errOut strings.Builder
	code := realMain(ctx, []string{"search", "bavet", "-n", "2", "--set", "data_dir=" + dataDir, "--set", "http.listen=" + httpAddr},
		&env{stdout: &out, stderr: &errOut})
	if code != 0 || !strings.Contains(out.String(), fmt.Sprintf("%d flagged ads match \"bavet\" (showing 2)", len(sightings))) || !strings.Contains(out.String(), "«Bavet»") {
		t.Errorf("lurewatch search: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	// Let it consume whatever else was delivered, then stop it gracefully.
	time.Sleep(2 * time.Second)
	second.Process.Signal(syscall.SIGTERM)
	if err := second.Wait(); err != nil {
		t.Fatalf("indexer exited: %v", err)
	}

	idx, err := index.Open(index.Config{Dir: filepath.Join(dataDir, "index")})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := idx.Count()
	if err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(sightings)) {
		t.Errorf("the index holds %d docs for %d ads", n, len(sightings))
	}
	if got := strings.Join(idx.Shards(), ","); got != "2026-09,2026-10,2026-11" {
		t.Errorf("shards %s", got)
	}
	for id, want := range sightings {
		d, err := idx.Get(ctx, id)
		if err != nil {
			t.Fatalf("ad %s: %v", id, err)
		}
		if d.TimesSeen != want {
			t.Errorf("ad %s seen %d times, want %d", id, d.TimesSeen, want)
		}
	}
}

// lurewatch index and run set the garbage collector's target for the
// process from index.gc_percent, unless GOGC is in the environment.
func TestOpenIndexSetsTheCollectorTarget(t *testing.T) {
	orig := debug.SetGCPercent(100)
	debug.SetGCPercent(orig)
	t.Cleanup(func() { debug.SetGCPercent(orig) })
	e := &env{stdout: io.Discard, stderr: io.Discard}
	a, err := newApp(e, &configFlags{sets: multiFlag{"data_dir=" + t.TempDir(), "index.gc_percent=321"}})
	if err != nil {
		t.Fatal(err)
	}
	idx, err := openIndex(a)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	want := 321
	if _, ok := os.LookupEnv("GOGC"); ok {
		want = orig
	}
	if got := debug.SetGCPercent(orig); got != want {
		t.Errorf("the collector's target is %d, want %d", got, want)
	}
}
