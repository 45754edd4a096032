package index_test

import (
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/index"
)

func TestConfig(t *testing.T) {
	var def index.Config
	def.Defaults()
	if def.BatchSize != 1000 || def.GCPercent != 400 {
		t.Errorf("defaults: batch_size %d, gc_percent %d", def.BatchSize, def.GCPercent)
	}
	if err := def.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
	for _, tc := range []struct {
		name string
		set  func(*index.Config)
		want string // in the error; empty: valid
	}{
		{"batch too large", func(c *index.Config) { c.BatchSize = 10001 }, "batch_size"},
		{"negative retention", func(c *index.Config) { c.RetentionMonths = -1 }, "retention_months"},
		{"collector too eager", func(c *index.Config) { c.GCPercent = 10 }, "gc_percent"},
		{"collector off", func(c *index.Config) { c.GCPercent = -1 }, "gc_percent"},
		{"collector lazy", func(c *index.Config) { c.GCPercent = 2000 }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := def
			tc.set(&c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error naming %s", err, tc.want)
			}
		})
	}
}
