package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

type apiError struct {
	Error string `json:"error"`
}

// paramError is a request parameter the server cannot use.
type paramError struct {
	param, reason string
}

func (e *paramError) Error() string { return e.param + ": " + e.reason }

// parseQuery reads a search from URL parameters; the API and the search
// page share it. See docs/api.md.
func parseQuery(v url.Values, defaultSize int) (index.Query, error) {
	q := index.Query{
		Text:      strings.TrimSpace(v.Get("q")),
		Sort:      v.Get("sort"),
		DateField: v.Get("date_field"),
		Highlight: v.Get("highlight") != "false",
		Size:      defaultSize,
	}
	var err error
	if q.Size, err = intParam(v, "size", defaultSize, 0, index.MaxSize); err != nil {
		return q, err
	}
	if q.Offset, err = intParam(v, "from", 0, 0, index.MaxOffset); err != nil {
		return q, err
	}
	if l := v.Get("min_level"); l != "" {
		if _, err := ad.ParseLevel(l); err != nil {
			return q, &paramError{"min_level", "not none, low, medium, high or critical"}
		}
		q.MinLevel = ad.Level(l)
	}
	if q.Since, err = dateParam(v, "since"); err != nil {
		return q, err
	}
	if q.Until, err = dateParam(v, "until"); err != nil {
		return q, err
	}
	if !q.Until.IsZero() && len(v.Get("until")) == len(time.DateOnly) {
		q.Until = q.Until.AddDate(0, 0, 1) // a day given as until includes that day
	}
	if q.SalaryMin, err = floatParam(v, "salary_min"); err != nil {
		return q, err
	}
	if q.SalaryMax, err = floatParam(v, "salary_max"); err != nil {
		return q, err
	}
	for _, f := range index.KeywordFields() {
		for _, val := range v[f] {
			if val = strings.TrimSpace(val); val != "" {
				if q.Filters == nil {
					q.Filters = map[string][]string{}
				}
				q.Filters[f] = append(q.Filters[f], val)
			}
		}
	}
	switch f := v.Get("facets"); f {
	case "", "none":
	case "all":
		q.Facets = index.DefaultFacets()
	default:
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				q.Facets = append(q.Facets, name)
			}
		}
	}
	if q.FacetSize, err = intParam(v, "facet_size", 0, 0, 100); err != nil {
		return q, err
	}
	if err := q.Validate(); err != nil {
		return q, err
	}
	return q, nil
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &paramError{name, fmt.Sprintf("%q is not a whole number from %d to %d", s, lo, hi)}
	}
	return n, nil
}

func floatParam(v url.Values, name string) (*float64, error) {
	s := v.Get(name)
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return nil, &paramError{name, fmt.Sprintf("%q is not a non-negative number", s)}
	}
	return &f, nil
}

func dateParam(v url.Values, name string) (time.Time, error) {
	s := v.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, &paramError{name, fmt.Sprintf("%q is not a date (YYYY-MM-DD or RFC 3339)", s)}
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request, u *who) {
	q, err := parseQuery(r.URL.Query(), 20)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	res, err := s.idx.Search(r.Context(), q)
	if err != nil {
		s.searchFailed(w, err)
		return
	}
	if !s.record(w, r, u, "search", r.URL.RawQuery, int(res.Total), true) {
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// searchFailed answers a failed search: a query the index refused is the
// caller's mistake, anything else is ours.
func (s *Server) searchFailed(w http.ResponseWriter, err error) {
	if errors.Is(err, index.ErrBadQuery) {
		writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	s.log.Error("search", "err", err)
	writeJSON(w, http.StatusInternalServerError, apiError{"the search failed; see the server's log"})
}

func (s *Server) apiAd(w http.ResponseWriter, r *http.Request, u *who) {
	id := r.PathValue("id")
	d, err := s.idx.Get(r.Context(), id)
	if err != nil {
		s.notFoundOr500(w, err)
		return
	}
	if !s.record(w, r, u, "ad", id, 1, true) {
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiSimilar(w http.ResponseWriter, r *http.Request, u *who) {
	id := r.PathValue("id")
	size, err := intParam(r.URL.Query(), "size", 20, 1, index.MaxSize)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	sim, err := s.idx.Similar(r.Context(), id, size)
	if err != nil {
		s.notFoundOr500(w, err)
		return
	}
	if !s.record(w, r, u, "similar", id, len(sim.SameContact)+len(sim.SameContent), true) {
		return
	}
	writeJSON(w, http.StatusOK, sim)
}

func (s *Server) apiContact(w http.ResponseWriter, r *http.Request, u *who) {
	v := r.URL.Query()
	handle := strings.TrimSpace(v.Get("handle"))
	if handle == "" {
		writeJSON(w, http.StatusBadRequest, apiError{"handle: required, as kind:value (telegram:@name)"})
		return
	}
	q, err := parseQuery(v, 20)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
		return
	}
	q.Filters = map[string][]string{"contact": {handle}}
	res, err := s.idx.Search(r.Context(), q)
	if err != nil {
		s.searchFailed(w, err)
		return
	}
	if !s.record(w, r, u, "contact", handle, int(res.Total), true) {
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) notFoundOr500(w http.ResponseWriter, err error) {
	if errors.Is(err, index.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, apiError{"no ad with that id"})
		return
	}
	s.log.Error("read an ad", "err", err)
	writeJSON(w, http.StatusInternalServerError, apiError{"could not read the ad; see the server's log"})
}

// record writes an audit entry. When it cannot, the request fails rather
// than go unrecorded; it reports whether the request may go on.
func (s *Server) record(w http.ResponseWriter, r *http.Request, u *who, action, query string, results int, isAPI bool) bool {
	n := results
	if err := s.audit.record(r, u, AuditEntry{Action: action, Query: query, Results: &n}); err != nil {
		s.log.Error("audit log", "err", err)
		if isAPI {
			writeJSON(w, http.StatusInternalServerError, apiError{"could not write the audit log"})
		} else {
			http.Error(w, "could not write the audit log", http.StatusInternalServerError)
		}
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
