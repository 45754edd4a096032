package config_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/config"
)

type kafka struct {
	Brokers    []string      `yaml:"brokers"`
	Partitions int           `yaml:"partitions"`
	Timeout    time.Duration `yaml:"timeout"`
}

func (k *kafka) Defaults() {
	if k.Partitions == 0 && k.Brokers == nil {
		k.Partitions = 6
	}
}

func (k *kafka) Validate() error {
	if k.Partitions < 1 {
		return errors.New("partitions: must be at least 1")
	}
	return nil
}

type source struct {
	Name  string        `yaml:"name"`
	Every time.Duration `yaml:"every"`
}

func (s *source) Validate() error {
	if s.Name == "" {
		return errors.New("name: is required")
	}
	return nil
}

type settings struct {
	DataDir string   `yaml:"data_dir"`
	Debug   bool     `yaml:"debug"`
	Kafka   kafka    `yaml:"kafka"`
	Sources []source `yaml:"sources"`
}

func TestLoadGood(t *testing.T) {
	var s settings
	unknown, err := config.Load("testdata/good.yaml", []string{"LUREWATCH_DEBUG=true", "LUREWATCH_KAFKA_PARTITIONS=3", "LUREWATCH_SECRET=x", "HOME=/root"}, []string{"data_dir=/tmp/lw"}, &s)
	if err != nil {
		t.Fatal(err)
	}
	want := settings{DataDir: "/tmp/lw", Debug: true, Kafka: kafka{Brokers: []string{"a:9092", "b:9092"}, Partitions: 3, Timeout: 5 * time.Second},
		Sources: []source{{Name: "board", Every: time.Hour}}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v\nwant %+v", s, want)
	}
	if !reflect.DeepEqual(unknown, []string{"LUREWATCH_SECRET"}) {
		t.Errorf("unknown env = %v", unknown)
	}
}

func TestDefaultsWithoutFile(t *testing.T) {
	var s settings
	if _, err := config.Load("", nil, nil, &s); err != nil {
		t.Fatal(err)
	}
	if s.Kafka.Partitions != 6 {
		t.Errorf("partitions = %d, want the default 6", s.Kafka.Partitions)
	}
}

// Every refusal has a fixture, and its message names the file, the line
// where there is one, and the key.
func TestBadFiles(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"bad-unknown-key.yaml", `testdata/bad-unknown-key.yaml:3: kafka.brokrs: unknown key (did you mean "brokers"?)`},
		{"bad-type.yaml", `testdata/bad-type.yaml:2: kafka.partitions: "many" is not a whole number`},
		{"bad-duration.yaml", `testdata/bad-duration.yaml:2: kafka.timeout: "soon" is not a duration such as 30s, 15m or 6h`},
		{"bad-validate.yaml", `kafka: partitions: must be at least 1`},
		{"bad-syntax.yaml", `testdata/bad-syntax.yaml:1: did not find expected ',' or ']'`},
		{"bad-list-item-key.yaml", `testdata/bad-list-item-key.yaml:3: sources[0].evry: unknown key (did you mean "every"?)`},
		{"bad-list-item-validate.yaml", `sources[0]: name: is required`},
		{"bad-section.yaml", `testdata/bad-section.yaml:1: kafka: expected a mapping of keys`},
		{"bad-twice.yaml", `testdata/bad-twice.yaml:3: kafka.partitions: is set twice`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var s settings
			_, err := config.Load("testdata/"+tc.file, nil, nil, &s)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n  %v\ndoes not say\n  %s", err, tc.want)
			}
		})
	}
	if _, err := config.Load("testdata/missing.yaml", nil, nil, &settings{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestOverridesNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		env, set []string
		want     string
	}{
		{env: []string{"LUREWATCH_KAFKA_PARTITIONS=lots"}, want: `environment variable LUREWATCH_KAFKA_PARTITIONS: kafka.partitions: "lots" is not a whole number`},
		{env: []string{"LUREWATCH_DEBUG=maybe"}, want: `debug: "maybe" is not true or false`},
		{set: []string{"kafka.partitons=3"}, want: `kafka.partitons: unknown key (did you mean "partitions"?)`},
		{set: []string{"kafka=3"}, want: `kafka: is a section, not a value`},
		{set: []string{"data_dir"}, want: `data_dir: an override is key=value`},
	} {
		var s settings
		_, err := config.Load("", tc.env, tc.set, &s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v set %v: error %v, want %q", tc.env, tc.set, err, tc.want)
		}
	}
}

func TestDecodeLines(t *testing.T) {
	var s settings
	lines, err := config.DecodeLines("good.yaml", []byte("data_dir: x\nkafka:\n  brokers: [a:1]\nsources:\n  - name: board\n    every: 1h\n"), &s)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{"data_dir": 1, "kafka": 2, "kafka.brokers": 3, "kafka.brokers[0]": 3, "sources[0]": 5, "sources[0].every": 6, "sources[0].name.oops": 5, "missing": 0} {
		if got := lines.Of(key); got != want {
			t.Errorf("line of %s = %d, want %d", key, got, want)
		}
	}
}

func TestKeysAndEnvNames(t *testing.T) {
	keys := config.Keys(&settings{})
	want := []string{"data_dir", "debug", "kafka.brokers", "kafka.partitions", "kafka.timeout"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	if got := config.EnvName("kafka.topic_prefix"); got != "LUREWATCH_KAFKA_TOPIC_PREFIX" {
		t.Errorf("EnvName = %s", got)
	}
}
