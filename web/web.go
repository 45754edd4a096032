// Package web serves analysts: the search pages and the JSON API over the
// index, behind a login, with an audit log of who searched what.
//
// Everything an ad says is hostile: pages are html/template, which escapes
// by context, and every response carries a Content-Security-Policy that
// allows no script at all and styles only from this site.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lurewatch/lurewatch/index"
)

// Searcher is what the web needs of the index.
type Searcher interface {
	Search(ctx context.Context, q index.Query) (*index.Result, error)
	Get(ctx context.Context, id string) (*index.Doc, error)
	Similar(ctx context.Context, id string, size int) (*index.Similar, error)
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// contentSecurityPolicy allows nothing but this site's stylesheet and
// images, and forms that post back to it: no script runs, not even inline.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Server serves the UI and the API.
type Server struct {
	cfg       Config
	idx       Searcher
	log       *slog.Logger
	mux       *http.ServeMux
	pages     map[string]*template.Template
	creds     *credentials
	sessions  *sessions
	audit     *auditLog
	generated *GeneratedLogin
	metrics   *metrics
	getenv    func(string) string
}

// Option sets a collaborator of the server.
type Option func(*Server)

// WithLogger logs to l.
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithMetrics registers the server's metrics with reg.
func WithMetrics(reg prometheus.Registerer) Option {
	return func(s *Server) { s.metrics = newMetrics(reg) }
}

// WithGetenv reads the environment through getenv (default os.Getenv).
func WithGetenv(getenv func(string) string) Option {
	return func(s *Server) { s.getenv = getenv }
}

// New builds the server over idx. cfg.TokenFile and cfg.AuditLog must be
// set (the command fills them from data_dir). When no user or token is
// configured, an admin login and an API token are generated: see
// GeneratedLogin.
func New(cfg Config, idx Searcher, opts ...Option) (*Server, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("web.%w", err)
	}
	if cfg.TokenFile == "" || cfg.AuditLog == "" {
		return nil, errors.New("web: token_file and audit_log must be set")
	}
	s := &Server{cfg: cfg, idx: idx, mux: http.NewServeMux(), sessions: newSessions(cfg.SessionTTL), getenv: os.Getenv}
	for _, opt := range opts {
		opt(s)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.metrics == nil {
		s.metrics = newMetrics(nil)
	}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if s.creds, err = loadCredentials(cfg, s.getenv); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if s.creds.empty() {
		if s.generated, err = s.creds.generate(cfg.TokenFile); err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		s.log.Warn("no users or API tokens configured (web.users_file, $"+cfg.UsersEnv+"); generated a login for this run",
			"user", s.generated.User, "token_file", cfg.TokenFile)
	}
	if s.audit, err = openAudit(cfg.AuditLog); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.routes()
	return s, nil
}

// GeneratedLogin returns the login generated at start, or nil when users
// or tokens were configured.
func (s *Server) GeneratedLogin() *GeneratedLogin { return s.generated }

// Close closes the audit log.
func (s *Server) Close() error { return s.audit.close() }

func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.Handle("POST /logout", s.page(s.logout))
	s.mux.Handle("GET /{$}", s.page(s.searchPage))
	s.mux.Handle("GET /ads/{id}", s.page(s.adPage))
	s.mux.Handle("GET /contacts", s.page(s.contactPage))

	s.mux.Handle("GET /api/search", s.api(s.apiSearch))
	s.mux.Handle("GET /api/ads/{id}", s.api(s.apiAd))
	s.mux.Handle("GET /api/ads/{id}/similar", s.api(s.apiSimilar))
	s.mux.Handle("GET /api/contacts", s.api(s.apiContact))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{"no such API endpoint: " + r.Method + " " + r.URL.Path})
	})
}

// ServeHTTP implements http.Handler. Every response carries the security
// headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	s.metrics.observe(r, rec.status, time.Since(start))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// page wraps a UI handler: without a login, the browser goes to the login
// page and comes back after.
func (s *Server) page(h func(http.ResponseWriter, *http.Request, *who)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := s.authenticate(r)
		if u == nil {
			next := r.URL.RequestURI()
			http.Redirect(w, r, "/login?next="+urlQueryEscape(next), http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, u)
	})
}

// api wraps an API handler: without a token or a session, 401.
func (s *Server) api(h func(http.ResponseWriter, *http.Request, *who)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := s.authenticate(r)
		if u == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lurewatch"`)
			writeJSON(w, http.StatusUnauthorized, apiError{"log in, or send Authorization: Bearer <token>"})
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, u)
	})
}
