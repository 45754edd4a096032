package crawler

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

const jsonYAML = `
name: asia-jobs-api
kind: json
start_urls: ["{{base}}/api/v1/jobs"]
timezone: Asia/Shanghai
allow_private: true
json:
  items: data.jobs
  next: paging.next
  fields:
    id: id
    title: title
    body: description
    company: company.name
    location: location.city
    salary: salary.text
    posted: created_at
    contacts: contacts.*.value
    url: url
    meta:
      country: location.country
      company_verified: company.verified
    present:
      has_company_logo: company.logo_url
`

func TestJSONAPIWithNextLink(t *testing.T) {
	mux := http.NewServeMux()
	p1, p2 := serveFile(t, "json/page1.json", "application/json"), serveFile(t, "json/page2.json", "application/json; charset=utf-8")
	mux.HandleFunc("GET /api/v1/jobs", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cursor") == "abc123" {
			p2(w, r)
			return
		}
		p1(w, r)
	})
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, jsonYAML)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	ads := byPostID(r.pub.got())
	if len(ads) != 3 {
		t.Fatalf("got %d ads, want 3 over two pages\nlogs:\n%s", len(ads), r.logs)
	}
	a := ads["90001"]
	if a.Title != "Call centre agent (Chinese speaking)" || a.Body != "月薪 15000 人民币，包吃住，免费机票。" ||
		a.Company != "Shwe Trading" || a.Location != "Myawaddy" || a.Salary != "CNY 15,000 / month" ||
		a.URL != srv.URL+"/jobs/90001" || a.Meta["country"] != "MM" {
		t.Errorf("ad 90001 = %+v", a)
	}
	// A true/false value is kept as written; present says whether a path
	// holds anything.
	if a.Meta["company_verified"] != "false" || a.Meta["has_company_logo"] != "false" || ads["90002"].Meta["has_company_logo"] != "true" {
		t.Errorf("meta of 90001 %v, of 90002 %v", a.Meta, ads["90002"].Meta)
	}
	if strings.Join(a.Contacts, ",") != "@shwe_hr,shwe-hr-88" {
		t.Errorf("contacts = %q", a.Contacts)
	}
	if !a.PostedAt.Equal(time.Unix(1795478400, 0)) {
		t.Errorf("unix time read as %v", a.PostedAt)
	}
	// 昨天 in Shanghai: 25 November 00:00 at UTC+8.
	if got := ads["90003"].PostedAt; !got.Equal(time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("昨天 read as %v", got)
	}
	if ads["90002"].Salary != "" || r.errorsOf("asia-jobs-api", ReasonMissingField) != 2 {
		t.Errorf("missing salary and contacts not counted; logs:\n%s", r.logs)
	}
}

func TestJSONAPIPageParam(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jobs.json", func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("p")
		if page == "3" {
			fmt.Fprint(w, `[]`)
			return
		}
		fmt.Fprintf(w, `[{"ref":"p%s-a","headline":"Job A on page %s"},{"ref":"p%s-b","headline":"Job B on page %s"}]`, page, page, page, page)
	})
	srv, hits := serve(t, mux)
	s := mustSource(t, srv.URL, `
name: numbered
kind: json
start_urls: ["{{base}}/jobs.json?p=1"]
allow_private: true
json:
  page_param: p
  fields: {id: ref, title: headline}
`)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	if len(r.pub.got()) != 4 || hits.get("/jobs.json?p=3") != 1 || hits.get("/jobs.json?p=4") != 0 {
		t.Fatalf("got %d ads; hits %v", len(r.pub.got()), hits.n)
	}
}

func TestJSONAPIBadAnswer(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/jobs", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"data": {"jobs": [{"id": 1, "title": "ok"`)
	})
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, jsonYAML)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	if r.errorsOf("asia-jobs-api", ReasonParse) != 1 || !strings.Contains(r.logs.String(), "JSON: unexpected EOF") {
		t.Fatalf("truncated JSON went unreported; logs:\n%s", r.logs)
	}
}
