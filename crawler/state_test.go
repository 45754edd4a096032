package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// editableBoard serves a board of inline ads whose text the test can
// change, with an ETag, answering 304 when it still matches.
type editableBoard struct {
	mu      sync.Mutex
	ads     map[string]string // id -> text
	version int
	hits    map[int]int // status -> count
}

func (b *editableBoard) set(id, text string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ads[id] = text
	b.version++
}

func (b *editableBoard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"v%d"`, b.version)
	if r.Header.Get("If-None-Match") == etag {
		b.hits[304]++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	b.hits[200]++
	w.Header().Set("ETag", etag)
	fmt.Fprint(w, "<html><body>")
	for _, id := range []string{"1", "2", "3"} {
		if text, ok := b.ads[id]; ok {
			fmt.Fprintf(w, `<div class="ad" data-id="%s"><p>%s</p></div>`, id, text)
		}
	}
	fmt.Fprint(w, "</body></html>")
}

func (b *editableBoard) count(status int) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hits[status]
}

const editableYAML = "name: ed\nallow_private: true\nstart_urls: [\"{{base}}/\"]\nlist: {items: div.ad}\nitem: {id: \"@data-id\", body: p}\n"

func newEditableBoard(t *testing.T) (*editableBoard, string) {
	b := &editableBoard{ads: map[string]string{"1": "Typist in Bavet, USD 900", "2": "Cook in Poipet", "3": "Driver in Phnom Penh"}, hits: map[int]int{}}
	mux := http.NewServeMux()
	mux.Handle("/", b)
	srv, _ := serve(t, mux)
	return b, srv.URL
}

// The state survives a restart: a new crawler on the same file sends
// nothing that was already sent, and a changed ad goes out as a new
// version.
func TestStateSurvivesRestart(t *testing.T) {
	b, base := newEditableBoard(t)
	s := mustSource(t, base, editableYAML)
	file := filepath.Join(t.TempDir(), "crawl-state.db")

	first := newRig(t, Config{}, file, s)
	if st := first.once(t, s); st.New != 3 {
		t.Fatalf("first pass: %+v", st)
	}
	first.c.Close()

	b.set("2", "Cook in Poipet, USD 1,200, free flight")
	second := newRig(t, Config{}, file, s)
	st := second.once(t, s)
	got := second.pub.got()
	if st.New != 0 || st.Changed != 1 || len(got) != 1 {
		t.Fatalf("after restart: %+v, published %d", st, len(got))
	}
	if got[0].PostID != "2" || got[0].Meta["version"] != "2" {
		t.Fatalf("published %s version %q, want 2 version 2", got[0].PostID, got[0].Meta["version"])
	}
	second.c.Close()

	// Unchanged page: a conditional GET answers 304 and nothing is sent.
	third := newRig(t, Config{}, file, s)
	if st := third.once(t, s); st.NotModified != 1 || len(third.pub.got()) != 0 {
		t.Fatalf("third pass: %+v, published %d", st, len(third.pub.got()))
	}
	if b.count(304) != 1 {
		t.Fatalf("304s: %d", b.count(304))
	}
}

// An ad is marked seen only once the publisher took it: after a failed
// publish the next pass sends it again, and the page's ETag was not kept.
func TestSeenOnlyAfterPublish(t *testing.T) {
	b, base := newEditableBoard(t)
	s := mustSource(t, base, editableYAML)
	r := newRig(t, Config{}, "", s)
	r.pub.fail = errKafkaDown
	_, err := r.c.Once(context.Background(), s)
	if !errors.Is(err, errKafkaDown) || r.errorsOf("ed", ReasonPublish) != 1 {
		t.Fatalf("err = %v", err)
	}
	r.pub.fail = nil
	if st := r.once(t, s); st.New != 3 || st.NotModified != 0 {
		t.Fatalf("after the failure: %+v", st)
	}
	if b.count(304) != 0 {
		t.Fatal("the page answered 304 although its ads were never published")
	}
	// A lock on the file is reported clearly.
	if _, err := New(Config{StateFile: r.c.cfg.StateFile}, nil, r.pub); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("second crawler on one state file: %v", err)
	}
}

// Without full_scan, a pass after a completed one stops paging at the first
// page with nothing new, and does not fetch known item pages again; with
// it, it walks all.
func TestIncrementalPasses(t *testing.T) {
	srv, hits := serve(t, boardMux(t))
	s := mustSource(t, srv.URL, boardYAML)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	if hits.get("/jobs/?page=2") != 1 {
		t.Fatalf("first pass did not walk all pages: %v", hits.n)
	}
	st := r.once(t, s)
	if st.Pages != 1 || hits.get("/jobs/?page=2") != 1 || hits.get("/jobs/ad/103-accountant") != 1 {
		t.Fatalf("second pass: %+v, hits %v", st, hits.n)
	}
	full := mustSource(t, srv.URL, boardYAML+"full_scan: true\n")
	r2 := newRig(t, Config{}, r.c.cfg.StateFile+".full", full)
	r2.once(t, full)
	if st := r2.once(t, full); st.Pages != 5 || st.New != 0 {
		t.Fatalf("full scan: %+v", st)
	}
}
