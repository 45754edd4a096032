package crawler

import (
	"errors"
	"time"
)

// Config holds the crawler's settings, under the crawler key.
type Config struct {
	// Sources is the directory of source files, one YAML file a source.
	Sources string `yaml:"sources"`
	// UserAgent names the crawler to the sites it visits, with a contact URL.
	UserAgent string `yaml:"user_agent"`
	// Timeout bounds one HTTP request, body included.
	Timeout time.Duration `yaml:"timeout"`
	// MaxBodyBytes caps a fetched page.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
}

// Defaults fills the unset fields.
func (c *Config) Defaults() {
	if c.Sources == "" {
		c.Sources = "configs/sources"
	}
	if c.UserAgent == "" {
		c.UserAgent = "lurewatch/0.1 (+https://github.com/lurewatch/lurewatch)"
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 5 << 20
	}
}

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	switch {
	case c.Timeout < time.Second:
		return errors.New("timeout: must be at least 1s")
	case c.MaxBodyBytes < 1<<10:
		return errors.New("max_body_bytes: must be at least 1024")
	}
	return nil
}
