package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/index"
)

// buildBinary compiles lurewatch for tests that run it as a separate process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lurewatch")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// demoRun is `lurewatch run --demo` as a child process on a given data
// directory and ports, so that it can be killed without mercy.
type demoRun struct {
	t        *testing.T
	bin      string
	dataDir  string
	httpAddr string
	kafka    int
	cmd      *exec.Cmd
	log      *syncBuffer
}

func (r *demoRun) start() {
	r.t.Helper()
	args := append([]string{"run", "--demo"}, testSettings(r.t, r.httpAddr)...)
	args = append(args, "--set", "data_dir="+r.dataDir, "--set", "kafka.embedded_port="+strconv.Itoa(r.kafka))
	r.cmd = exec.Command(r.bin, args...)
	r.log = &syncBuffer{}
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
}

func (r *demoRun) kill() {
	r.cmd.Process.Signal(syscall.SIGKILL)
	r.cmd.Wait()
}

func (r *demoRun) stop() {
	r.cmd.Process.Signal(syscall.SIGTERM)
	if err := r.cmd.Wait(); err != nil {
		r.t.Errorf("run did not stop cleanly on SIGTERM: %v\n%s", err, r.log.String())
	}
}

// ids returns the ids of every indexed ad, in order, duplicates kept; nil
// while the API does not answer.
func (r *demoRun) ids() []string {
	res, err := searchAPI("http://"+r.httpAddr, "")
	if err != nil {
		return nil
	}
	ids := []string{}
	for _, h := range res.Hits {
		ids = append(ids, h.Doc.ID)
	}
	if uint64(len(ids)) != res.Total {
		return nil // more than one page: not expected of the demo
	}
	sort.Strings(ids)
	return ids
}

// settle waits until the index holds the same ads on three polls in a row,
// a second apart, and returns them.
func (r *demoRun) settle(want int) []string {
	r.t.Helper()
	var last []string
	same := 0
	waitFor(r.t, "the index to settle", 120*time.Second, func() bool {
		ids := r.ids()
		if ids != nil && len(ids) > 0 && equal(ids, last) && (want == 0 || len(ids) == want) {
			same++
		} else {
			same = 0
		}
		last = ids
		if same < 3 {
			time.Sleep(900 * time.Millisecond)
		}
		return same >= 3
	})
	return last
}

// indexed reads how many ads the index of a stopped run holds.
func (r *demoRun) indexed() string {
	idx, err := index.Open(filepath.Join(r.dataDir, "index"))
	if err != nil {
		return "index not readable: " + err.Error()
	}
	defer idx.Close()
	n, err := idx.Count()
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%d ads in the index", n)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Killing `lurewatch run` with SIGKILL mid-stream, again and again, and
// starting it once more leaves every demo ad in the index exactly once: the
// same ads as a run that was never interrupted.
func TestSIGKILLRestartKeepsEveryAdOnce(t *testing.T) {
	bin := buildBinary(t)
	newRun := func() *demoRun {
		return &demoRun{t: t, bin: bin, dataDir: t.TempDir(), httpAddr: "127.0.0.1:" + strconv.Itoa(freePort(t)), kafka: freePort(t)}
	}

	ref := newRun()
	ref.start()
	want := ref.settle(0)
	ref.stop()
	t.Logf("an uninterrupted run indexes %d flagged demo ads", len(want))

	r := newRun()
	// The demo flows through in a fraction of a second, so the kills come
	// early and at spread times: some before the first ad is indexed, some
	// halfway, some after.
	for i := range 16 {
		after := time.Duration(60+35*i) * time.Millisecond
		r.start()
		time.Sleep(after)
		r.kill()
		t.Logf("kill %d after %v: %s", i+1, after, r.indexed())
	}
	r.start()
	got := r.settle(len(want))
	r.stop()
	if !equal(got, want) {
		t.Fatalf("after the kills the index holds %d ads, want the %d of an uninterrupted run\ngot  %v\nwant %v\nlog:\n%s", len(got), len(want), got, want, r.log.String())
	}
	for i := 1; i < len(got); i++ {
		if got[i] == got[i-1] {
			t.Errorf("ad %s is in the index twice", got[i])
		}
	}
	if _, err := os.Stat(filepath.Join(r.dataDir, "broker")); err != nil {
		t.Errorf("the embedded broker kept no data: %v", err)
	}
}
