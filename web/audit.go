package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// auditLog records who searched and read what: one JSON object a line,
// appended and synced, so that the record survives a crash of the process.
type auditLog struct {
	mu  sync.Mutex
	w   io.Writer
	f   *os.File // nil when w is not a file of ours
	now func() time.Time
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Time   time.Time `json:"time"`
	User   string    `json:"user"`
	Via    string    `json:"via"` // session, token, or "" before login
	Remote string    `json:"remote"`
	// Action is login, login_failed, logout, search, ad, similar or contact.
	Action string `json:"action"`
	// Query is what was asked: the query string of a search, the ad id, the
	// handle.
	Query string `json:"query,omitempty"`
	// Results is how many ads matched (1 for an ad read).
	Results *int `json:"results,omitempty"`
}

func openAudit(path string) (*auditLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return &auditLog{w: f, f: f, now: time.Now}, nil
}

func (a *auditLog) record(r *http.Request, u *who, e AuditEntry) error {
	e.Time = a.now().UTC()
	e.Remote = r.RemoteAddr
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		e.Remote = h
	}
	if u != nil {
		e.User, e.Via = u.user, u.via
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.w.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if a.f != nil {
		if err := a.f.Sync(); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
	}
	return nil
}

func (a *auditLog) close() error {
	if a.f == nil {
		return nil
	}
	return a.f.Close()
}
