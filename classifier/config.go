package classifier

import (
	"fmt"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Config holds the classifier's settings, under the classifier key.
type Config struct {
	// Rules is the directory of rule files (*.yaml), read in name order.
	Rules string `yaml:"rules"`
	// FlagLevel is the lowest level that flags an ad for the index and alerts.
	FlagLevel string `yaml:"flag_level"`
	// Thresholds are the lowest scores of each level.
	Thresholds Thresholds `yaml:"thresholds"`
	// Rates are US dollars per unit of each currency (ISO code), used to
	// normalise salaries to USD a month. They add to and override built-in
	// rates, which are approximate.
	Rates map[string]float64 `yaml:"rates"`
	// MaxFieldBytes bounds the text read from each field of an ad; longer
	// text is cut (and counted) rather than refused. 0 means 256 KiB, the
	// body limit of the ad contract.
	MaxFieldBytes int `yaml:"max_field_bytes"`
	// WatchInterval is how often Watch looks for changed rule files.
	WatchInterval time.Duration `yaml:"watch_interval"`
}

// Thresholds map a score to a level.
type Thresholds struct {
	Low      float64 `yaml:"low"`
	Medium   float64 `yaml:"medium"`
	High     float64 `yaml:"high"`
	Critical float64 `yaml:"critical"`
}

// Defaults fills the unset fields.
func (c *Config) Defaults() {
	if c.Rules == "" {
		c.Rules = "configs/rules"
	}
	if c.FlagLevel == "" {
		c.FlagLevel = "medium"
	}
	if c.Thresholds == (Thresholds{}) {
		// Medium, the default flag level, takes two independent signs of
		// middling weight, or one strong sign (a passport kept, a border
		// crossed irregularly) with a weak one.
		c.Thresholds = Thresholds{Low: 1.5, Medium: 3, High: 6, Critical: 9}
	}
	if c.MaxFieldBytes == 0 {
		c.MaxFieldBytes = ad.MaxBodyBytes
	}
	if c.WatchInterval == 0 {
		c.WatchInterval = 2 * time.Second
	}
}

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	switch c.FlagLevel {
	case "low", "medium", "high", "critical":
	default:
		return fmt.Errorf("flag_level: %q is not low, medium, high or critical", c.FlagLevel)
	}
	t := c.Thresholds
	if !(0 < t.Low && t.Low <= t.Medium && t.Medium <= t.High && t.High <= t.Critical) {
		return fmt.Errorf("thresholds: need 0 < low <= medium <= high <= critical, got %v", t)
	}
	for code, r := range c.Rates {
		if len(code) < 3 || r <= 0 {
			return fmt.Errorf("rates.%s: need a currency code and a rate above 0, got %v", code, r)
		}
	}
	if c.MaxFieldBytes < 1024 || c.MaxFieldBytes > 16<<20 {
		return fmt.Errorf("max_field_bytes: %d is outside 1024..16777216", c.MaxFieldBytes)
	}
	if c.WatchInterval < 100*time.Millisecond {
		return fmt.Errorf("watch_interval: %v is shorter than 100ms", c.WatchInterval)
	}
	return nil
}
