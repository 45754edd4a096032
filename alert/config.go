package alert

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Config holds the alerter's settings, under the alert key of
// lurewatch.yaml. The receivers and the routing tree live in their own file
// (Rules), because offices change them more often than anything else.
type Config struct {
	// Rules is the file of receivers and routes, configs/alerts.yaml.
	Rules string `yaml:"rules"`
	// Dir holds the outbox database and the files the file notifier writes
	// by a relative path; empty means <data_dir>/alerts.
	Dir string `yaml:"dir"`
	// UIBaseURL is where analysts open an ad: <ui_base_url>/ads/<id>.
	// Empty means http://<http.listen>.
	UIBaseURL string `yaml:"ui_base_url"`
	// FoldWindow is how long after an alert an ad sharing its contact
	// handle or text is folded into that alert's thread instead of raising
	// a new one.
	FoldWindow time.Duration `yaml:"fold_window"`
	// RetryMin and RetryMax bound the backoff between delivery attempts of
	// one notification; the backoff survives restarts.
	RetryMin time.Duration `yaml:"retry_min"`
	RetryMax time.Duration `yaml:"retry_max"`
	// MaxFailures is how many failed attempts in a row mark a receiver as
	// down on /metrics and in the log. Its alerts keep waiting in the
	// outbox; nothing is dropped.
	MaxFailures int `yaml:"max_failures"`
	// SendTimeout bounds one delivery attempt.
	SendTimeout time.Duration `yaml:"send_timeout"`
	// Poll is how often due groups and notifications are looked for when
	// nothing wakes the alerter sooner.
	Poll time.Duration `yaml:"poll"`
	// APITokenEnv names an environment variable holding a bearer token that
	// the silences API requires. Unset means the API is open to whoever
	// reaches http.listen, which is loopback by default.
	APITokenEnv string `yaml:"api_token_env"`
}

// Defaults fills the unset fields.
func (c *Config) Defaults() {
	if c.Rules == "" {
		c.Rules = "configs/alerts.yaml"
	}
	if c.FoldWindow == 0 {
		c.FoldWindow = 7 * 24 * time.Hour
	}
	if c.RetryMin == 0 {
		c.RetryMin = 5 * time.Second
	}
	if c.RetryMax == 0 {
		c.RetryMax = 5 * time.Minute
	}
	if c.MaxFailures == 0 {
		c.MaxFailures = 5
	}
	if c.SendTimeout == 0 {
		c.SendTimeout = 30 * time.Second
	}
	if c.Poll == 0 {
		c.Poll = time.Second
	}
}

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	switch {
	case c.FoldWindow < 0:
		return fmt.Errorf("fold_window: %v is negative", c.FoldWindow)
	case c.RetryMin <= 0 || c.RetryMax < c.RetryMin:
		return fmt.Errorf("retry_min, retry_max: need 0 < retry_min <= retry_max, got %v and %v", c.RetryMin, c.RetryMax)
	case c.MaxFailures < 1:
		return fmt.Errorf("max_failures: must be at least 1, got %d", c.MaxFailures)
	case c.SendTimeout <= 0:
		return errors.New("send_timeout: must be positive")
	case c.Poll <= 0 || c.Poll > time.Minute:
		return fmt.Errorf("poll: %v is outside 0 to 1m", c.Poll)
	}
	if c.UIBaseURL != "" {
		u, err := url.Parse(c.UIBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("ui_base_url: %q is not an http(s) URL", c.UIBaseURL)
		}
	}
	return nil
}
