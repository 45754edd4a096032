package index

import (
	"errors"
	"fmt"
)

// Config holds the index's settings, under the index key.
type Config struct {
	// Dir is where the index lives: one Bleve index a month under shards/,
	// and alias.json naming them. Empty means <data_dir>/index.
	Dir string `yaml:"dir"`
	// BatchSize is how many flagged ads are written in one batch.
	BatchSize int `yaml:"batch_size"`
	// RetentionMonths is how many months of ads are kept, the current one
	// included; older monthly shards are dropped, after the ads still seen
	// within the window are moved to the current month. 0 keeps everything.
	RetentionMonths int `yaml:"retention_months"`
	// GCPercent is the Go garbage collector's target (GOGC) for the process
	// that holds the index, which lurewatch index and run set unless GOGC
	// is in the environment. The index is memory-mapped, so the process's
	// live heap is small, while each search and batch makes megabytes of
	// garbage: under Go's default of 100 the collector runs every query or
	// two, and its write barriers and assists slow the queries and the
	// writer down. Higher trades memory for speed.
	GCPercent int `yaml:"gc_percent"`
}

// Defaults fills the unset fields.
func (c *Config) Defaults() {
	if c.BatchSize == 0 {
		c.BatchSize = 1000
	}
	if c.GCPercent == 0 {
		c.GCPercent = 400
	}
}

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	if c.BatchSize < 1 || c.BatchSize > 10000 {
		return errors.New("batch_size: must be between 1 and 10000")
	}
	if c.RetentionMonths < 0 || c.RetentionMonths > 1200 {
		return fmt.Errorf("retention_months: must be between 0 (keep all) and 1200; got %d", c.RetentionMonths)
	}
	if c.GCPercent < 50 || c.GCPercent > 10000 {
		return fmt.Errorf("gc_percent: must be between 50 and 10000; got %d", c.GCPercent)
	}
	return nil
}
