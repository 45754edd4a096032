package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/lurewatch/lurewatch/alert"
	"github.com/lurewatch/lurewatch/classifier"
	"github.com/lurewatch/lurewatch/crawler"
	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/pkg/bus"
	"github.com/lurewatch/lurewatch/pkg/config"
)

// defaultConfigFile is read when --config is not given and the file exists.
const defaultConfigFile = "configs/lurewatch.yaml"

// Config is the whole of lurewatch's settings: configs/lurewatch.yaml, then
// LUREWATCH_... environment variables, then --set flags.
type Config struct {
	// DataDir holds the index, crawl state and the embedded broker's log.
	DataDir    string            `yaml:"data_dir"`
	Log        LogConfig         `yaml:"log"`
	HTTP       HTTPConfig        `yaml:"http"`
	Kafka      bus.Config        `yaml:"kafka"`
	Crawler    crawler.Config    `yaml:"crawler"`
	Classifier classifier.Config `yaml:"classifier"`
	Index      index.Config      `yaml:"index"`
	Alert      alert.Config      `yaml:"alert"`
}

// LogConfig sets up log/slog.
type LogConfig struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json.
	Format string `yaml:"format"`
}

// HTTPConfig is the process's HTTP listener: the UI and API where the index
// runs, /metrics, /healthz and /readyz everywhere.
type HTTPConfig struct {
	Listen string `yaml:"listen"`
}

// Defaults fills the unset top-level fields.
func (c *Config) Defaults() {
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.HTTP.Listen == "" {
		c.HTTP.Listen = "127.0.0.1:8080"
	}
	if c.Kafka.EmbeddedPort == 0 {
		c.Kafka.EmbeddedPort = 29092
	}
	if c.Index.Dir == "" {
		c.Index.Dir = c.DataDir + "/index"
	}
	if c.Crawler.StateFile == "" {
		c.Crawler.StateFile = c.DataDir + "/crawl-state.db"
	}
	if c.Alert.Dir == "" {
		c.Alert.Dir = c.DataDir + "/alerts"
	}
	if c.Alert.UIBaseURL == "" {
		c.Alert.UIBaseURL = "http://" + c.HTTP.Listen
	}
}

// Validate checks the top-level fields; each part validates itself.
func (c *Config) Validate() error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.Log.Level)); err != nil {
		return fmt.Errorf("log.level: %q is not debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return fmt.Errorf("log.format: %q is not text or json", c.Log.Format)
	}
	if !strings.Contains(c.HTTP.Listen, ":") {
		return fmt.Errorf("http.listen: %q is not host:port", c.HTTP.Listen)
	}
	return nil
}

// configFlags are the flags every command that reads the config takes.
type configFlags struct {
	file string
	sets multiFlag
}

func (f *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.file, "config", "", "config `file` (default "+defaultConfigFile+" when it exists)")
	fs.Var(&f.sets, "set", "override a config key, as `key=value` (repeatable), e.g. --set kafka.brokers=host:9092")
}

// load reads the config. Unknown LUREWATCH_ variables are returned for a
// warning once the logger exists.
func (f *configFlags) load(e *env) (*Config, []string, error) {
	file := f.file
	if file == "" {
		if _, err := os.Stat(defaultConfigFile); err == nil {
			file = defaultConfigFile
		}
	}
	var cfg Config
	unknown, err := config.Load(file, e.environ, f.sets, &cfg)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return nil, nil, fmt.Errorf("config: %w", err)
		}
		return nil, nil, err
	}
	return &cfg, unknown, nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ", ") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// newFlagSet makes a command's flag set with a usage text that explains it.
func newFlagSet(e *env, name, synopsis, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: lurewatch %s %s\n\n%s\n\nFlags:\n", name, synopsis, strings.TrimSpace(help))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning flag errors into errUsage (the flag package has
// printed them).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}
