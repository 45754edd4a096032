package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// FileConfig appends notifications to a file, or writes them to standard
// output: for demos, and for an audit trail beside the real integrations.
type FileConfig struct {
	// Path is the file; a relative path is under alert.dir, and "-" is
	// standard output.
	Path string `yaml:"path"`
	// Format is text (the plain-text message, the default) or json (one
	// WebhookPayload a line).
	Format string `yaml:"format"`
}

func (c *FileConfig) validate() error {
	if c.Path == "" {
		return errors.New("file.path: is required (\"-\" for standard output)")
	}
	switch c.Format {
	case "":
		c.Format = "text"
	case "text", "json":
	default:
		return fmt.Errorf("file.format: %q is not text or json", c.Format)
	}
	return nil
}

type fileNotifier struct {
	cfg    FileConfig
	path   string
	stdout io.Writer
	rc     *Receiver
	r      *renderer
	mu     *sync.Mutex
}

func newFile(c *FileConfig, rc *Receiver, r *renderer, d *deps) *fileNotifier {
	path := c.Path
	if path != "-" && !filepath.IsAbs(path) {
		path = filepath.Join(d.dir, path)
	}
	return &fileNotifier{cfg: *c, path: path, stdout: d.stdout, rc: rc, r: r, mu: d.fileLock(path)}
}

func (f *fileNotifier) Notify(_ context.Context, n *Notification) (bool, error) {
	msg, err := f.r.render(n, f.rc)
	if err != nil {
		return false, err
	}
	var out []byte
	if f.cfg.Format == "json" {
		out, err = json.Marshal(WebhookPayload{Version: 1, ID: n.ID, Receiver: n.Receiver, Route: n.Route, Group: n.Group,
			Digest: n.Digest, Created: n.Created, Subject: msg.Subject, Text: msg.Text, Ads: n.Items})
		if err != nil {
			return false, failure(ReasonRender, err)
		}
		out = append(out, '\n')
	} else {
		head := fmt.Sprintf("=== %s  to %s (%s)  notification %s\n", n.Created.In(f.rc.Location()).Format("2006-01-02 15:04:05 MST"), n.Receiver, n.Integration, n.ID)
		out = []byte(head + msg.Text + "\n")
	}
	// Several receivers may share one file; their messages must not mix.
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.path == "-" {
		if _, err := f.stdout.Write(out); err != nil {
			return true, failure(ReasonWrite, err)
		}
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o750); err != nil {
		return true, failure(ReasonWrite, err)
	}
	file, err := os.OpenFile(f.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o640)
	if err != nil {
		return true, failure(ReasonWrite, err)
	}
	if _, err := file.Write(out); err != nil {
		file.Close()
		return true, failure(ReasonWrite, err)
	}
	// An audit trail is only worth keeping if it survives a crash.
	if err := file.Sync(); err != nil {
		file.Close()
		return true, failure(ReasonWrite, err)
	}
	if err := file.Close(); err != nil {
		return true, failure(ReasonWrite, err)
	}
	return false, nil
}
