package crawler

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func telegramMux(t *testing.T) *http.ServeMux {
	mux := http.NewServeMux()
	p1, p2, empty := serveFile(t, "telegram/page1.html", "text/html; charset=utf-8"),
		serveFile(t, "telegram/page2.html", "text/html; charset=utf-8"), serveFile(t, "telegram/empty.html", "text/html; charset=utf-8")
	mux.HandleFunc("GET /s/kerja_ln_cepat", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("before") {
		case "":
			p1(w, r)
		case "121":
			p2(w, r)
		default:
			empty(w, r)
		}
	})
	return mux
}

const telegramYAML = `
name: kerja-ln
kind: telegram
allow_private: true
telegram:
  channel: "@kerja_ln_cepat"
  base_url: "{{base}}"
`

func TestTelegramPostsAndPaging(t *testing.T) {
	srv, hits := serve(t, telegramMux(t))
	s := mustSource(t, srv.URL, telegramYAML)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	ads := byPostID(r.pub.got())
	// 121, 122, 124, 125 on page 1 (123 is a photo alone), 117 and 118 on
	// page 2 (116 is a service message).
	want := []string{"kerja_ln_cepat/121", "kerja_ln_cepat/122", "kerja_ln_cepat/124", "kerja_ln_cepat/125", "kerja_ln_cepat/117", "kerja_ln_cepat/118"}
	if len(ads) != len(want) {
		t.Fatalf("got %d posts, want %d: %v\nlogs:\n%s", len(ads), len(want), ads, r.logs)
	}
	for _, id := range want {
		if ads[id] == nil {
			t.Errorf("post %s missing", id)
		}
	}
	if hits.get("/s/kerja_ln_cepat?before=121") != 1 || hits.get("/s/kerja_ln_cepat?before=116") != 1 {
		t.Errorf("paging did not walk back with ?before=: %v", hits.n)
	}
	p := ads["kerja_ln_cepat/121"]
	wantBody := "LOWONGAN ADMIN ONLINE 🇰🇭 KAMBOJA\nGaji $1.200/bulan, tanpa pengalaman.\nTiket & visa ditanggung.\nHubungi @hrd_mitra88 atau WA"
	if p.Body != wantBody {
		t.Errorf("body = %q, want %q", p.Body, wantBody)
	}
	if !p.PostedAt.Equal(time.Date(2026, 11, 25, 1, 15, 0, 0, time.UTC)) {
		t.Errorf("posted %v", p.PostedAt)
	}
	if p.Meta["views"] != "1.2K" || p.Meta["views_count"] != "1200" {
		t.Errorf("views = %q / %q", p.Meta["views"], p.Meta["views_count"])
	}
	if p.Meta["forwarded_from"] != "Info Kerja Asia" || p.Meta["forwarded_from_url"] != "https://t.me/infokerja_asia/884" {
		t.Errorf("forwarded from = %q %q", p.Meta["forwarded_from"], p.Meta["forwarded_from_url"])
	}
	if strings.Join(p.Contacts, " ") != "https://t.me/hrd_mitra88 https://wa.me/6281234567890" {
		t.Errorf("links = %q", p.Contacts)
	}
	if p.URL != "https://t.me/kerja_ln_cepat/121" || p.Platform != "telegram" || p.Author != "Kerja Luar Negeri Cepat" {
		t.Errorf("url %q platform %q author %q", p.URL, p.Platform, p.Author)
	}
	// A reply's quote is not part of the reply's text.
	if got := ads["kerja_ln_cepat/122"].Body; strings.Contains(got, "LOWONGAN") {
		t.Errorf("reply body carries the quoted post: %q", got)
	}
	if got := ads["kerja_ln_cepat/124"].Author; got != "Admin Rina" {
		t.Errorf("signed post author = %q", got)
	}
	if r.errorsOf("kerja-ln", ReasonEmpty) != 1 || !strings.Contains(r.logs.String(), "1 posts have no text") {
		t.Errorf("the photo-only post was dropped silently; logs:\n%s", r.logs)
	}
}

// A server that ignores ?before= must not lead to endless paging.
func TestTelegramStopsWhenBeforeIsIgnored(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /s/kerja_ln_cepat", serveFile(t, "telegram/page1.html", "text/html"))
	srv, hits := serve(t, mux)
	s := mustSource(t, srv.URL, telegramYAML)
	r := newRig(t, Config{}, "", s)
	st := r.once(t, s)
	if st.Pages != 2 || hits.get("/s/kerja_ln_cepat?before=121") != 1 || len(r.pub.got()) != 4 {
		t.Fatalf("pages %d, ads %d, hits %v", st.Pages, len(r.pub.got()), hits.n)
	}
}

func TestTelegramNotAPreview(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /s/kerja_ln_cepat", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`<html><body><div class="tgme_page"><div class="tgme_page_title">Kerja</div><a class="tgme_action_button_new">View in Telegram</a></div></body></html>`))
	})
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, telegramYAML)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	if r.errorsOf("kerja-ln", ReasonSelector) != 1 || !strings.Contains(r.logs.String(), "not a channel preview") {
		t.Fatalf("a page with no posts went unreported; logs:\n%s", r.logs)
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]int64{"987": 987, "1.2K": 1200, "3.4M": 3400000, "21K": 21000} {
		if got, ok := parseCount(in); !ok || got != want {
			t.Errorf("parseCount(%q) = %d, %v", in, got, ok)
		}
	}
	if _, ok := parseCount("many"); ok {
		t.Error("parseCount(many) ok")
	}
}
