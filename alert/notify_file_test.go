package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFileNotifier(t *testing.T) {
	dir := t.TempDir()
	ren, _ := newRenderer()
	var stdout bytes.Buffer
	d := &deps{dir: dir, stdout: &stdout, locks: map[string]*sync.Mutex{}}
	mk := func(c *FileConfig, lang string) *fileNotifier {
		rc := &Receiver{Name: "office", Language: lang, File: c}
		if err := rc.compile(); err != nil {
			t.Fatal(err)
		}
		return newFile(c, rc, ren, d)
	}
	n := testNotification(newItem(flagged("f1", nil), "http://ui.test", time.Now()))
	text := mk(&FileConfig{Path: "sub/audit.log"}, "tl")
	for range 2 {
		if _, err := text.Notify(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "sub", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(b), "=== ") != 2 || !strings.Contains(string(b), "bagong kahina-hinalang job ad") {
		t.Errorf("text file:\n%s", b)
	}
	js := mk(&FileConfig{Path: "-", Format: "json"}, "en")
	if _, err := js.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	var p WebhookPayload
	if err := json.Unmarshal(stdout.Bytes(), &p); err != nil || p.ID != "n-123" || len(p.Ads) != 1 || p.Ads[0].AdID != "f1" {
		t.Errorf("json line %q: %v", stdout.String(), err)
	}
}
