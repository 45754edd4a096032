package crawler

import (
	"errors"
	"fmt"
	"net"
	"path"
	"strings"
	"time"
)

// Config holds the crawler's settings, under the crawler key.
type Config struct {
	// Sources is the directory of source files, one YAML file a source.
	Sources string `yaml:"sources"`
	// StateFile is the bbolt file of the crawl state (seen ads, ETags).
	// Empty keeps the state in memory only: every start is a first crawl.
	StateFile string `yaml:"state_file"`
	// UserAgent names the crawler to the sites it visits. It must carry a
	// contact URL, so that a site owner can reach the people running it.
	UserAgent string `yaml:"user_agent"`
	// Timeout bounds one HTTP request, body included.
	Timeout time.Duration `yaml:"timeout"`
	// MaxBodyBytes caps a fetched page, both as sent and after
	// decompression.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxFileBytes caps one local import file.
	MaxFileBytes int64 `yaml:"max_file_bytes"`
	// MaxRedirects caps the redirects followed for one request.
	MaxRedirects int `yaml:"max_redirects"`
	// Retries is how many times a 429, a 5xx or a network failure is
	// retried, with exponential backoff and jitter.
	Retries int `yaml:"retries"`
	// Backoff is the first retry's wait; each next one doubles, up to
	// MaxBackoff. A Retry-After from the server wins, up to MaxRetryAfter.
	Backoff       time.Duration `yaml:"backoff"`
	MaxBackoff    time.Duration `yaml:"max_backoff"`
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
	// Workers is how many item pages of one source are fetched at a time;
	// the per-host limits below still apply.
	Workers int `yaml:"workers"`
	// Delay and Concurrency are the politeness defaults per host: the least
	// time between two requests and the most requests at once. A Crawl-delay
	// in robots.txt raises Delay for its host.
	Delay       time.Duration `yaml:"delay"`
	Concurrency int           `yaml:"concurrency"`
	// Hosts overrides the defaults for some hosts.
	Hosts []HostRule `yaml:"hosts"`
	// RobotsTTL is how long a robots.txt is trusted before it is fetched
	// again.
	RobotsTTL time.Duration `yaml:"robots_ttl"`
}

// HostRule sets the politeness of the hosts it matches.
type HostRule struct {
	// Host is a host name ("t.me") or a pattern of its subdomains
	// ("*.example.com"); a port, when given, must match too.
	Host        string        `yaml:"host"`
	Delay       time.Duration `yaml:"delay"`
	Concurrency int           `yaml:"concurrency"`
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
	if c.MaxFileBytes == 0 {
		c.MaxFileBytes = 256 << 20
	}
	if c.MaxRedirects == 0 {
		c.MaxRedirects = 5
	}
	if c.Retries == 0 {
		c.Retries = 4
	}
	if c.Backoff == 0 {
		c.Backoff = 2 * time.Second
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = 2 * time.Minute
	}
	if c.MaxRetryAfter == 0 {
		c.MaxRetryAfter = 10 * time.Minute
	}
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.Delay == 0 {
		c.Delay = 2 * time.Second
	}
	if c.Concurrency == 0 {
		c.Concurrency = 1
	}
	if c.RobotsTTL == 0 {
		c.RobotsTTL = 12 * time.Hour
	}
}

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	switch {
	case c.Timeout < time.Second:
		return errors.New("timeout: must be at least 1s")
	case c.MaxBodyBytes < 1<<10:
		return errors.New("max_body_bytes: must be at least 1024")
	case c.MaxFileBytes < 1<<10:
		return errors.New("max_file_bytes: must be at least 1024")
	case c.MaxRedirects < 0 || c.MaxRedirects > 20:
		return errors.New("max_redirects: must be between 0 and 20")
	case c.Retries < 0 || c.Retries > 20:
		return errors.New("retries: must be between 0 and 20")
	case c.Backoff < 0 || c.MaxBackoff < c.Backoff:
		return errors.New("max_backoff: must be at least backoff")
	case c.Workers < 1:
		return errors.New("workers: must be at least 1")
	case c.Delay < 0:
		return errors.New("delay: must not be negative")
	case c.Concurrency < 1:
		return errors.New("concurrency: must be at least 1")
	case !strings.Contains(c.UserAgent, "http://") && !strings.Contains(c.UserAgent, "https://"):
		return fmt.Errorf("user_agent: %q carries no contact URL; site owners must be able to reach you", c.UserAgent)
	}
	for i, h := range c.Hosts {
		switch {
		case h.Host == "":
			return fmt.Errorf("hosts[%d].host: is required", i)
		case h.Delay < 0:
			return fmt.Errorf("hosts[%d].delay: must not be negative", i)
		case h.Concurrency < 0:
			return fmt.Errorf("hosts[%d].concurrency: must not be negative", i)
		}
		if _, err := path.Match(h.Host, ""); err != nil {
			return fmt.Errorf("hosts[%d].host: %q is not a valid pattern", i, h.Host)
		}
	}
	return nil
}

// politeness returns the delay and concurrency for host ("name" or
// "name:port"): those of the first matching rule, else the defaults.
func (c *Config) politeness(host string) (time.Duration, int) {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	for _, h := range c.Hosts {
		m1, _ := path.Match(h.Host, host)
		m2, _ := path.Match(h.Host, name)
		if m1 || m2 {
			n := h.Concurrency
			if n == 0 {
				n = c.Concurrency
			}
			return h.Delay, n
		}
	}
	return c.Delay, c.Concurrency
}
