package crawler

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Each kind of bad input gives a log line and a count under its reason,
// the pass goes on, and no empty ad is sent.
func TestBadInput(t *testing.T) {
	bomb := gzipBomb(t, 64<<20)
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		yaml    string // list/item part; default items div.ad, title h1
		reason  string
		log     string
		ads     int
	}{
		{
			name: "broken html",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write(fixture(t, "html/broken.html"))
			},
			yaml:   "list: {items: li.ad-card}\nitem: {title: a.ad-card__link, salary: .salary}\n",
			reason: ReasonMissingField, log: "salary (2)", ads: 2, // and one empty item, reported
		},
		{
			name: "50 MB page",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, `<div class="ad"><h1>Huge</h1>`)
				chunk := bytes.Repeat([]byte("<p>filler text</p>"), 1<<10)
				for written := 0; written < 50<<20; written += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return // the crawler hung up at its cap
					}
				}
			},
			reason: ReasonTooLarge, log: "page too large",
		},
		{
			name: "gzip bomb",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(bomb)
			},
			reason: ReasonTooLarge, log: "decompresses to more than",
		},
		{
			name: "redirect loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/start?hop=x"+r.URL.Query().Get("hop"), http.StatusFound)
			},
			reason: ReasonRedirect, log: "too many redirects",
		},
		{
			name: "endless pagination",
			handler: func(w http.ResponseWriter, r *http.Request) {
				var n int
				fmt.Sscan(r.URL.Query().Get("page"), &n)
				fmt.Fprintf(w, `<div class="ad"><h1>Ad on page %d</h1></div><a class="next" href="/start?page=%d">next</a>`, n, n+1)
			},
			yaml:   "max_pages: 5\nlist: {items: div.ad, next_page: a.next}\nitem: {title: h1}\n",
			reason: ReasonPagination, log: "stopped after max_pages (5)", ads: 5,
		},
		{
			name: "pagination loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `<div class="ad"><h1>Same page</h1></div><a class="next" href="/start#again">next</a>`)
			},
			yaml:   "list: {items: div.ad, next_page: a.next}\nitem: {title: h1}\n",
			reason: ReasonPagination, log: "leads back to", ads: 1,
		},
		{
			name: "bytes that are not UTF-8",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte("<div class=\"ad\"><h1>Kerja di Kamboja \xff\xfe gaji besar</h1></div>"))
			},
			reason: ReasonEncoding, log: "replaced with U+FFFD", ads: 1,
		},
		{
			name: "selector that matches nothing",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `<section class="jobs"><article><h2>Redesigned board</h2></article></section>`)
			},
			reason: ReasonSelector, log: `div.ad\" matched nothing on the page`,
		},
		{
			name: "item with no text",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `<div class="ad"><h1>  </h1><img src="x.jpg"></div><div class="ad"><h1>Real ad</h1></div>`)
			},
			reason: ReasonEmpty, log: "item 1 has neither title nor body", ads: 1,
		},
		{
			name: "unreadable date",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `<div class="ad"><h1>Cook</h1><time>sometime soon</time></div>`)
			},
			yaml:   "list: {items: div.ad}\nitem: {title: h1, posted: time}\n",
			reason: ReasonBadDate, log: `cannot read the posted date \"sometime soon\"`, ads: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /start", tc.handler)
			srv, _ := serve(t, mux)
			spec := tc.yaml
			if spec == "" {
				spec = "list: {items: div.ad}\nitem: {title: h1}\n"
			}
			s := mustSource(t, srv.URL, "name: bad\nallow_private: true\nstart_urls: [\"{{base}}/start\"]\n"+spec)
			r := newRig(t, Config{MaxBodyBytes: 4 << 20}, "", s)
			r.once(t, s)
			if got := r.errorsOf("bad", tc.reason); got < 1 {
				t.Errorf("reason %s counted %v times; logs:\n%s", tc.reason, got, r.logs)
			}
			if !strings.Contains(r.logs.String(), tc.log) {
				t.Errorf("no log line with %q; logs:\n%s", tc.log, r.logs)
			}
			ads := r.pub.got()
			if len(ads) != tc.ads {
				t.Errorf("%d ads sent, want %d", len(ads), tc.ads)
			}
			for _, a := range ads {
				if strings.TrimSpace(a.Title+a.Body) == "" {
					t.Errorf("empty ad sent: %+v", a)
				}
				if err := a.Validate(); err != nil {
					t.Errorf("invalid ad sent: %v", err)
				}
			}
		})
	}
}

func gzipBomb(t *testing.T, size int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for i := 0; i < size>>20; i++ {
		zw.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
