package classifier

import "fmt"

// Config holds the classifier's settings, under the classifier key.
type Config struct {
	// Rules is the directory of rule files.
	Rules string `yaml:"rules"`
	// FlagLevel is the lowest level that flags an ad for the index and alerts.
	FlagLevel string `yaml:"flag_level"`
	// Thresholds are the lowest scores of each level.
	Thresholds Thresholds `yaml:"thresholds"`
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
		c.Thresholds = Thresholds{Low: 2, Medium: 4, High: 7, Critical: 10}
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
	return nil
}
