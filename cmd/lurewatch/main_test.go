package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/pkg/bus/bustest"
)

var brokers *bustest.Set

func TestMain(m *testing.M) { bustest.Main(m, &brokers) }

// syncBuffer collects a command's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freePort is a port for a server the test starts; see bustest.FreePort.
func freePort(t testing.TB) int {
	t.Helper()
	port, err := bustest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// testEnv gives a command an empty environment, so that the developer's
// LUREWATCH_ variables cannot change a test.
func testEnv(out *syncBuffer) *env {
	return &env{stdin: strings.NewReader(""), stdout: out, stderr: out, environ: nil}
}

func TestUsageAndUnknownCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Commands:"},
		{[]string{"--help"}, 0, "lurewatch run --demo"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"run", "--help"}, 0, "embedded Kafka-protocol broker"},
		{[]string{"run", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"run", "--config", "testdata/bad-key.yaml"}, 1, `testdata/bad-key.yaml:2: kafka.partitons: unknown key (did you mean "partitions"?)`},
		{[]string{"version"}, 0, "ad schema 1"},
	} {
		var out syncBuffer
		code := realMain(context.Background(), tc.args, testEnv(&out))
		if code != tc.code || !strings.Contains(out.String(), tc.want) {
			t.Errorf("lurewatch %v: exit %d, output:\n%s\nwant exit %d and %q", tc.args, code, out.String(), tc.code, tc.want)
		}
	}
}

// testToken is the API token the tests' lurewatch accepts (see
// testSettings).
const testToken = "lurewatch-test-token"

// testSettings points a command at a fresh data directory, a free HTTP port
// and the repository's shipped configuration (tests run in cmd/lurewatch),
// with testToken as its API token.
func testSettings(t *testing.T, httpAddr string) []string {
	root, err := bustest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tokens := filepath.Join(t.TempDir(), "tokens")
	sum := sha256.Sum256([]byte(testToken))
	if err := os.WriteFile(tokens, []byte("test:sha256:"+hex.EncodeToString(sum[:])+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{
		"--config", root + "/configs/lurewatch.yaml",
		"--set", "data_dir=" + t.TempDir(),
		"--set", "http.listen=" + httpAddr,
		"--set", "classifier.rules=" + root + "/configs/rules",
		"--set", "crawler.sources=" + root + "/configs/sources",
		"--set", "web.tokens_file=" + tokens,
	}
}

// searchAPI asks a running lurewatch for every flagged ad matching q.
func searchAPI(base, q string) (*index.Result, error) {
	req, err := http.NewRequest(http.MethodGet, base+"/api/search?size=200&q="+q, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	var res index.Result
	return &res, json.NewDecoder(resp.Body).Decode(&res)
}

// waitFor polls until ok says yes or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The whole pipeline, in one process: the demo board is crawled, the ads
// travel through the raw topic, the classifier and the flagged topic into
// the index, and the search API finds the lures. Once on the embedded broker
// that `run` starts itself, once on real Kafka.
func TestRunDemoEndToEnd(t *testing.T) {
	for _, name := range []string{"embedded", "kafka"} {
		t.Run(name, func(t *testing.T) {
			httpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
			args := append([]string{"run", "--demo"}, testSettings(t, httpAddr)...)
			if name == "kafka" {
				args = append(args, "--set", "kafka.brokers="+brokers.Get(t, "kafka").Addr, "--set", fmt.Sprintf("kafka.topic_prefix=e2e%d", time.Now().UnixNano()))
			} else {
				args = append(args, "--set", "kafka.embedded_port="+strconv.Itoa(freePort(t)))
			}
			ctx, cancel := context.WithCancel(context.Background())
			var out syncBuffer
			done := make(chan int, 1)
			go func() { done <- realMain(ctx, args, testEnv(&out)) }()
			defer func() {
				cancel()
				if code := <-done; code != 0 {
					t.Errorf("run exited %d after a clean stop:\n%s", code, out.String())
				}
			}()
			base := "http://" + httpAddr
			var res *index.Result
			waitFor(t, "flagged demo ads in the index", 90*time.Second, func() bool {
				select {
				case code := <-done:
					done <- code
					t.Fatalf("run exited %d early:\n%s", code, out.String())
				default:
				}
				var err error
				res, err = searchAPI(base, "sihanoukville")
				return err == nil && res.Total > 0
			})
			top := res.Hits[0].Doc
			if !strings.Contains(strings.ToLower(top.Title+top.Location+top.Body), "sihanoukville") || len(top.Verdict.Hits) == 0 || !top.Verdict.Flagged {
				t.Errorf("top hit %q has verdict %+v; want a flagged Sihanoukville ad with its rule hits", top.Title, top.Verdict)
			}
			for _, path := range []string{"/metrics", "/healthz", "/readyz"} {
				resp, err := http.Get(base + path)
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s: %v %v", path, resp.Status, err)
					continue
				}
				resp.Body.Close()
			}
		})
	}
}
