package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/lurewatch/lurewatch/pkg/bus"
)

// kcatRecord is one message as `kcat -J` prints it.
type kcatRecord struct {
	Topic     string   `json:"topic"`
	Partition int      `json:"partition"`
	Offset    int64    `json:"offset"`
	Headers   []string `json:"headers"`
	Key       string   `json:"key"`
	Payload   string   `json:"payload"`
}

func (r kcatRecord) header(k string) string {
	for i := 0; i+1 < len(r.Headers); i += 2 {
		if r.Headers[i] == k {
			return r.Headers[i+1]
		}
	}
	return ""
}

func kcat(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "kcat", args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("kcat %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

func kcatConsumeOne(t *testing.T, addr, topic string) kcatRecord {
	t.Helper()
	line := kcat(t, "", "-b", addr, "-C", "-t", topic, "-o", "beginning", "-c", "1", "-J", "-q")
	var r kcatRecord
	if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &r); err != nil {
		t.Fatalf("kcat printed %q: %v", line, err)
	}
	return r
}

// A client nobody here wrote (kcat, on librdkafka) produces a raw ad into
// real Kafka; the classifier stage judges it and kcat reads the flagged
// verdict back. A malformed message from kcat lands in the DLQ with headers
// naming the error and its origin.
func TestKcatInterop(t *testing.T) {
	addr := brokers.Get(t, "kafka").Addr
	prefix := fmt.Sprintf("kcat%d", time.Now().UnixNano())
	topics := (&bus.Config{TopicPrefix: prefix}).Topics()

	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	args := append([]string{"classify"}, testSettings(t, "127.0.0.1:"+strconv.Itoa(freePort(t)))...)
	args = append(args, "--set", "kafka.brokers="+addr, "--set", "kafka.topic_prefix="+prefix)
	go func() { done <- realMain(ctx, args, testEnv(&out)) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("classify exited %d:\n%s", code, out.String())
		}
	}()

	raw := ad.Raw{
		ID: ad.NewID("kcat", "post-1"), Source: "kcat", Platform: "telegram",
		FetchedAt: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		Title:     "Customer service staff needed in Sihanoukville",
		Body:      "No experience needed, free flight and visa, basic typing only. Salary USD 1500. Contact Telegram @fast_hr_kh",
	}
	raw.Seal()
	data, err := raw.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// The topics exist once the classifier has started.
	waitFor(t, "the classifier to create its topics", 60*time.Second, func() bool {
		return strings.Contains(kcat(t, "", "-b", addr, "-L", "-t", topics.Raw), "partitions")
	})
	kcat(t, string(data)+"\n", "-b", addr, "-P", "-t", topics.Raw, "-k", raw.ID, "-H", ad.HeaderSchemaVersion+"=1")
	kcat(t, "{this is not an ad\n", "-b", addr, "-P", "-t", topics.Raw, "-k", "broken", "-H", "origin=kcat-test")

	flagged := kcatConsumeOne(t, addr, topics.Flagged)
	if flagged.Key != raw.ID {
		t.Errorf("flagged key = %q, want the ad id %q", flagged.Key, raw.ID)
	}
	if v := flagged.header(ad.HeaderSchemaVersion); v != strconv.Itoa(ad.SchemaVersion) {
		t.Errorf("schema-version header = %q", v)
	}
	f, err := ad.DecodeFlagged([]byte(flagged.Payload), flagged.header(ad.HeaderSchemaVersion))
	if err != nil {
		t.Fatalf("flagged payload does not decode: %v\n%s", err, flagged.Payload)
	}
	if !f.Verdict.Flagged || len(f.Verdict.Hits) == 0 || f.Title != raw.Title {
		t.Errorf("verdict = %+v for %q; want flagged with hits", f.Verdict, f.Title)
	}

	dead := kcatConsumeOne(t, addr, topics.DLQ)
	if dead.Payload != "{this is not an ad" || dead.Key != "broken" {
		t.Errorf("dead letter = %q/%q, want the original", dead.Key, dead.Payload)
	}
	for k, want := range map[string]string{bus.HeaderDLQTopic: topics.Raw, bus.HeaderDLQReason: bus.ReasonDecode, "origin": "kcat-test"} {
		if got := dead.header(k); got != want {
			t.Errorf("dead letter header %s = %q, want %q", k, got, want)
		}
	}
	if e := dead.header(bus.HeaderDLQError); !strings.Contains(e, "not an ad in JSON") {
		t.Errorf("dead letter error header = %q", e)
	}
}
