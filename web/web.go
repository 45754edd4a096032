// Package web serves analysts: the search API and pages over the index.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/lurewatch/lurewatch/index"
)

// Searcher is what the web needs of the index.
type Searcher interface {
	Search(ctx context.Context, q string, size, from int) (*index.Result, error)
	Get(ctx context.Context, id string) (*index.Doc, error)
}

// Server serves the API.
type Server struct {
	idx Searcher
	log *slog.Logger
	mux *http.ServeMux
}

// New builds the server over idx.
func New(idx Searcher, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{idx: idx, log: logger, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /api/search", s.search)
	s.mux.HandleFunc("GET /api/ads/{id}", s.get)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size := intParam(q.Get("size"), 20, 1, 200)
	from := intParam(q.Get("from"), 0, 0, 10000)
	res, err := s.idx.Search(r.Context(), q.Get("q"), size, from)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	d, err := s.idx.Get(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, index.ErrNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no ad with that id"})
	case err != nil:
		s.log.Error("get ad", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "could not read the ad"})
	default:
		writeJSON(w, http.StatusOK, d)
	}
}

func intParam(s string, def, lo, hi int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return max(lo, min(hi, n))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
