package crawler

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRSSInTIS620(t *testing.T) {
	mux := http.NewServeMux()
	// No charset in the header: the XML declaration says TIS-620.
	mux.HandleFunc("GET /feed.xml", serveFile(t, "feed/rss-tis620.xml", "application/rss+xml"))
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, `
name: thai-jobs
kind: feed
lang: th
start_urls: ["{{base}}/feed.xml"]
allow_private: true
`)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	ads := byPostID(r.pub.got())
	a := ads["job-5501"]
	if len(ads) != 2 || a == nil {
		t.Fatalf("got %v\nlogs:\n%s", ads, r.logs)
	}
	if a.Title != "รับสมัครพนักงานแอดมินออนไลน์ ทำงานที่กัมพูชา" {
		t.Errorf("title = %q", a.Title)
	}
	if a.Body != "เงินเดือน 35,000 บาท ไม่ต้องมีประสบการณ์\n\nมีที่พักและอาหารฟรี ติดต่อไลน์ @goldenbay" {
		t.Errorf("body = %q", a.Body)
	}
	if a.Author != "บริษัท โกลเด้น เบย์ จำกัด" || a.URL != "https://jobs.example.th/job/5501" || a.Platform != "feed" || a.Lang != "th" {
		t.Errorf("author %q url %q platform %q lang %q", a.Author, a.URL, a.Platform, a.Lang)
	}
	if !a.PostedAt.Equal(time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC)) {
		t.Errorf("posted %v", a.PostedAt)
	}
	if a.Meta["categories"] != "งานต่างประเทศ" {
		t.Errorf("categories = %q", a.Meta["categories"])
	}
}

func TestAtomWithNextPage(t *testing.T) {
	mux := http.NewServeMux()
	a1, a2 := serveFile(t, "feed/atom1.xml", "application/atom+xml"), serveFile(t, "feed/atom2.xml", "application/atom+xml")
	mux.HandleFunc("GET /atom.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			a2(w, r)
			return
		}
		a1(w, r)
	})
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, `
name: vieclam
kind: feed
start_urls: ["{{base}}/atom.xml"]
timezone: Asia/Ho_Chi_Minh
allow_private: true
feed:
  follow_next: true
`)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	ads := byPostID(r.pub.got())
	if len(ads) != 3 {
		t.Fatalf("got %d entries, want 3 over two pages\nlogs:\n%s", len(ads), r.logs)
	}
	e := ads["tag:vieclam.example.vn,2026:tin-8801"]
	if e.Body != "Lương 30 triệu/tháng, không cần kinh nghiệm.\n\nBao vé máy bay." || e.URL != srv.URL+"/tin/8801" || e.Author != "Công ty Ánh Dương" {
		t.Errorf("xhtml entry: body %q url %q author %q", e.Body, e.URL, e.Author)
	}
	h := ads["tag:vieclam.example.vn,2026:tin-8802"]
	if h.Title != "Kế toán Hà Nội" || h.Body != "Tốt nghiệp đại học chuyên ngành kế toán." {
		t.Errorf("html entry: title %q body %q", h.Title, h.Body)
	}
	// "hôm qua" in Ho Chi Minh City time is 25 November, 00:00 at UTC+7.
	if got := ads["tag:vieclam.example.vn,2026:tin-8790"].PostedAt; !got.Equal(time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("relative date read as %v", got)
	}
}

func TestFeedThatIsNotXML(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed.xml", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("<html><body>Maintenance</body></html>"))
	})
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, "name: f\nkind: feed\nallow_private: true\nstart_urls: [\"{{base}}/feed.xml\"]\n")
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	if r.errorsOf("f", ReasonParse) != 1 || !strings.Contains(r.logs.String(), "neither RSS 2.0") || len(r.pub.got()) != 0 {
		t.Fatalf("an HTML page as a feed went unreported; logs:\n%s", r.logs)
	}
}
