package classifier

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeAdLine(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		label string
		meta  map[string]string
	}{
		{"text fields only", `{"id":"a","label":"legit","title":"Clerk","body":"Filing."}`, "legit", nil},
		// A board's export: its facts about the listing become meta, as
		// text, whatever their JSON type.
		{"export fields", `{"id":"a","label":"scam","body":"x","has_company_logo":false,"telecommuting":1,"industry":"Retail"}`,
			"scam", map[string]string{"has_company_logo": "false", "telecommuting": "1", "industry": "Retail"}},
		// Fields that describe the example, not the post, would give the
		// label away; lists, objects, null and "" say nothing.
		{"not meta", `{"id":"a","body":"x","platform":"telegram","source":"lures","archetype":"typist","url":"https://x.example","tags":["a"],"extra":{"k":"v"},"gone":null,"empty":""}`,
			"", nil},
		// The meta object wins over a top-level field of the same name.
		{"meta object", `{"id":"a","body":"x","meta":{"views":"12","has_company_logo":true},"has_company_logo":false}`,
			"", map[string]string{"views": "12", "has_company_logo": "true"}},
	}
	for _, tc := range tests {
		r, label, err := DecodeAdLine([]byte(tc.line))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if label != tc.label || r.ID != "a" || r.Body == "" || !maps.Equal(r.Meta, tc.meta) {
			t.Errorf("%s: label %q, ad %+v; want label %q, meta %v", tc.name, label, r, tc.label, tc.meta)
		}
	}
	if _, _, err := DecodeAdLine([]byte(`{"id":"a","body":7}`)); err == nil {
		t.Error("a body that is a number was read")
	}
}

// TestCorpusMetaReachesRules is the path of an evaluation: a corpus line's
// export field, read by ReadCorpus, decides a meta rule.
func TestCorpusMetaReachesRules(t *testing.T) {
	c, err := condPack(t, "meta.has_company_logo in [false]")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	lines := `{"id":"no-logo","label":"scam","body":"Typist wanted","has_company_logo":false}
{"id":"logo","label":"legit","body":"Typist wanted","has_company_logo":true}
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	ads, err := ReadCorpus(path)
	if err != nil {
		t.Fatal(err)
	}
	var fired []string
	for _, a := range ads {
		if len(hitRules(c.Classify(&a.Ad))) > 0 {
			fired = append(fired, a.Ad.ID)
		}
	}
	if strings.Join(fired, " ") != "no-logo" {
		t.Errorf("the rule fired on %v, want [no-logo]", fired)
	}
}
