package index

import "errors"

// Config holds the index's settings, under the index key.
type Config struct {
	// Dir is where the index lives; empty means <data_dir>/index.
	Dir string `yaml:"dir"`
	// BatchSize is how many flagged ads are written in one batch.
	BatchSize int `yaml:"batch_size"`
}

// Defaults fills the unset fields.
func (c *Config) Defaults() {
	if c.BatchSize == 0 {
		c.BatchSize = 200
	}
}

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	if c.BatchSize < 1 || c.BatchSize > 10000 {
		return errors.New("batch_size: must be between 1 and 10000")
	}
	return nil
}
