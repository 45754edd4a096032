package classifier

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Rule is one piece of evidence and its weight.
type Rule struct {
	ID          string   `yaml:"id"`
	Weight      float64  `yaml:"weight"`
	Category    string   `yaml:"category"`
	Description string   `yaml:"description"`
	Any         []string `yaml:"any"`
}

type ruleFile struct {
	Rules []Rule `yaml:"rules"`
}

// LoadRules reads every *.yaml file in dir.
func LoadRules(dir string) ([]Rule, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("rules: no *.yaml files in %s", dir)
	}
	sort.Strings(files)
	var out []Rule
	ids := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var rf ruleFile
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&rf); err != nil {
			return nil, fmt.Errorf("rule file %s: %w", f, err)
		}
		for i, r := range rf.Rules {
			if r.ID == "" {
				return nil, fmt.Errorf("rule file %s: rules[%d].id: is required", f, i)
			}
			if len(r.Any) == 0 {
				return nil, fmt.Errorf("rule file %s: rule %s: any: needs at least one keyword", f, r.ID)
			}
			if prev, dup := ids[r.ID]; dup {
				return nil, fmt.Errorf("rule file %s: rule %s is already defined in %s", f, r.ID, prev)
			}
			ids[r.ID] = f
			for j, k := range r.Any {
				r.Any[j] = strings.ToLower(k)
			}
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("rules: the rule files define no rules")
	}
	return out, nil
}
