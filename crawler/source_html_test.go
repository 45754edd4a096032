package crawler

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const boardYAML = `
name: angkor-jobs
kind: html
platform: jobboard
start_urls: ["{{base}}/jobs/"]
timezone: Asia/Phnom_Penh
allow_private: true
list:
  item_links: a.ad-card__link
  next_page: a.pager__next
item:
  id: "article.ad@data-ad-id"
  title: h1.ad__title
  body: .ad__body
  company: .ad__company
  location: .ad__location
  salary: .ad__salary
  posted: time.ad__posted
  contact: .ad__contact
  meta:
    employment_type: .ad__type
  present:
    has_company_logo: "img.ad__logo@src"
`

func boardMux(t *testing.T) *http.ServeMux {
	mux := http.NewServeMux()
	list1, list2 := serveFile(t, "html/list1.html", "text/html; charset=utf-8"), serveFile(t, "html/list2.html", "text/html; charset=utf-8")
	mux.HandleFunc("GET /jobs/{$}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			list2(w, r)
			return
		}
		list1(w, r)
	})
	mux.HandleFunc("GET /jobs/ad/101-customer-service-staff", serveFile(t, "html/ad-101.html", "text/html"))
	mux.HandleFunc("GET /jobs/ad/102-typing-job", serveFile(t, "html/ad-102.html", "text/html; charset=utf-8"))
	mux.HandleFunc("GET /jobs/ad/103-accountant", serveFile(t, "html/ad-103.html", "text/html"))
	return mux
}

func TestHTMLSourceFollowsListsAndItems(t *testing.T) {
	srv, hits := serve(t, boardMux(t))
	s := mustSource(t, srv.URL, boardYAML)
	r := newRig(t, Config{}, "", s)
	st := r.once(t, s)
	ads := byPostID(r.pub.got())
	if len(ads) != 3 || st.Pages != 5 || st.New != 3 {
		t.Fatalf("got %d ads in %d pages (stats %+v), want 3 ads in 5 pages\nlogs:\n%s", len(ads), st.Pages, st, r.logs)
	}
	a := ads["101"]
	if a == nil {
		t.Fatalf("ad 101 missing: %v", ads)
	}
	for field, pair := range map[string][2]string{
		"title":    {a.Title, "Customer service staff, Sihanoukville"},
		"company":  {a.Company, "Golden Bay Online Co."},
		"location": {a.Location, "Sihanoukville, Cambodia"},
		"salary":   {a.Salary, "USD 1,500 / month"},
		"body":     {a.Body, "No experience needed!\nFree flight ticket and visa, free food and accommodation.\n\nOnly basic typing. Age 18-35."},
		"url":      {a.URL, srv.URL + "/jobs/ad/101-customer-service-staff"},
		"platform": {a.Platform, "jobboard"},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s = %q, want %q", field, pair[0], pair[1])
		}
	}
	if strings.Join(a.Contacts, "|") != "Telegram @goldenbay_hr|WhatsApp +855 12 345 678" {
		t.Errorf("contacts = %q", a.Contacts)
	}
	// "2 hours ago" at 10:00 in Phnom Penh, "hôm qua" is yesterday's
	// midnight there, 14/11/2026 is midnight of that day there.
	ict := time.FixedZone("ICT", 7*3600)
	for id, want := range map[string]time.Time{
		"101": testNow.Add(-2 * time.Hour),
		"102": time.Date(2026, 11, 25, 0, 0, 0, 0, ict),
		"103": time.Date(2026, 11, 14, 0, 0, 0, 0, ict),
	} {
		if got := ads[id].PostedAt; !got.Equal(want) {
			t.Errorf("ad %s posted %v, want %v", id, got, want)
		}
	}
	// The tracking parameter is not part of the ad's identity, and the
	// javascript: link is not followed.
	if hits.get("/jobs/ad/102-typing-job?utm_source=fb") != 1 {
		t.Errorf("item 102 fetched %d times", hits.get("/jobs/ad/102-typing-job?utm_source=fb"))
	}
	// Meta entries are read where the page has them, and what is absent
	// is recorded as absent: ad 101 shows no logo, ad 103 does.
	for id, want := range map[string]map[string]string{
		"101": {"has_company_logo": "false"},
		"103": {"has_company_logo": "true", "employment_type": "Full-time"},
	} {
		for k, v := range want {
			if got := ads[id].Meta[k]; got != v {
				t.Errorf("ad %s meta %s = %q, want %q (meta %v)", id, k, got, v, ads[id].Meta)
			}
		}
		if _, ok := ads[id].Meta["employment_type"]; ok != (id == "103") {
			t.Errorf("ad %s meta %v: employment_type kept only where the page has it", id, ads[id].Meta)
		}
	}
	// Ad 102 has no salary: counted, not fatal.
	if r.errorsOf("angkor-jobs", ReasonMissingField) != 1 || !strings.Contains(r.logs.String(), "salary (1)") {
		t.Errorf("missing salary not reported; logs:\n%s", r.logs)
	}
}

func TestHTMLInlineItems(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jobs/", serveFile(t, "html/list1.html", "text/html"))
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, `
name: inline
start_urls: ["{{base}}/jobs/"]
allow_private: true
max_pages: 1
list:
  items: li.ad-card
  next_page: a.pager__next
item:
  id: "@data-ad"
  title: a.ad-card__link
  url: "a.ad-card__link@href"
  location: .ad-card__place
  posted: .ad-card__age
`)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	ads := byPostID(r.pub.got())
	if len(ads) != 3 {
		t.Fatalf("got %d ads, want 3", len(ads))
	}
	if got := ads["101"].URL; got != srv.URL+"/jobs/ad/101-customer-service-staff" {
		t.Errorf("url = %q", got)
	}
	if ads["101"].Meta["list_url"] != srv.URL+"/jobs/" {
		t.Errorf("list_url not kept: %v", ads["101"].Meta)
	}
	// max_pages 1 stops the pagination, and says so.
	if r.errorsOf("inline", ReasonPagination) != 1 {
		t.Errorf("pagination stop not counted; logs:\n%s", r.logs)
	}
}
