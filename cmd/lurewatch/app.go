package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lurewatch/lurewatch/pkg/bus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// app holds what every command shares: config, logger, metrics, health.
type app struct {
	cfg    *Config
	log    *slog.Logger
	reg    *prometheus.Registry
	bus    *bus.Metrics
	health *health
}

func newApp(e *env, cf *configFlags) (*app, error) {
	cfg, unknownEnv, err := cf.load(e)
	if err != nil {
		return nil, err
	}
	log := newLogger(e.stderr, cfg.Log)
	for _, name := range unknownEnv {
		log.Debug("environment variable names no config key; ignored", "var", name)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &app{cfg: cfg, log: log, reg: reg, bus: bus.NewMetrics(reg), health: newHealth()}, nil
}

func newLogger(w io.Writer, c LogConfig) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.Level)) // validated with the config
	opts := &slog.HandlerOptions{Level: lvl}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// connect returns a bus client for the configured cluster, or for the
// embedded broker at kafka.embedded_port when none is configured. With
// embed set (lurewatch run), that broker is started in this process; the
// returned stop function closes it after the stages have drained.
func (a *app) connect(ctx context.Context, embed bool) (*bus.Client, func(), error) {
	kc := a.cfg.Kafka
	brokers := kc.Brokers
	stop := func() {}
	if kc.Embedded() {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(kc.EmbeddedPort))
		if embed {
			dir := filepath.Join(a.cfg.DataDir, "broker")
			e, err := bus.StartEmbedded(dir, kc.EmbeddedPort, kc.Partitions, a.log)
			if err != nil {
				return nil, nil, fmt.Errorf("%w (is another lurewatch running? set kafka.embedded_port, or kafka.brokers to use a cluster)", err)
			}
			addr = e.Addr()
			stop = e.Close
			a.log.Info("embedded broker started", "addr", addr, "data", dir)
		} else {
			a.log.Info("no kafka.brokers configured; using the embedded broker of `lurewatch broker` or `lurewatch run`", "addr", addr)
		}
		brokers = []string{addr}
	}
	c, err := bus.New(kc, brokers, a.log, a.bus)
	if err != nil {
		stop()
		return nil, nil, err
	}
	ectx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := c.EnsureTopics(ectx); err != nil {
		c.Close()
		stop()
		return nil, nil, fmt.Errorf("kafka at %v: %w", brokers, err)
	}
	a.health.set("kafka", true)
	return c, func() { c.Close(); stop() }, nil
}

// serveHTTP serves /metrics, /healthz, /readyz and, when ui is not nil, the
// UI and API, until ctx is cancelled.
func (a *app) serveHTTP(ctx context.Context, ui http.Handler) (func(), error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{Registry: a.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", a.health.serve)
	if ui != nil {
		mux.Handle("/", ui)
	}
	ln, err := net.Listen("tcp", a.cfg.HTTP.Listen)
	if err != nil {
		return nil, fmt.Errorf("http.listen %s: %w", a.cfg.HTTP.Listen, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("http server", "err", err)
		}
	}()
	a.log.Info("http listening", "addr", "http://"+ln.Addr().String(), "metrics", "/metrics")
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
	}, nil
}

// health tracks whether each part of the process is ready.
type health struct {
	mu    sync.Mutex
	parts map[string]bool
}

func newHealth() *health { return &health{parts: map[string]bool{}} }

func (h *health) set(part string, ready bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.parts[part] = ready
}

func (h *health) serve(w http.ResponseWriter, _ *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	parts := make([]string, 0, len(h.parts))
	status := http.StatusOK
	if len(h.parts) == 0 {
		status = http.StatusServiceUnavailable
	}
	for part, ok := range h.parts {
		if !ok {
			status = http.StatusServiceUnavailable
		}
		parts = append(parts, fmt.Sprintf("%s: %v", part, ok))
	}
	sort.Strings(parts)
	w.WriteHeader(status)
	fmt.Fprintln(w, strings.Join(parts, "\n"))
}
