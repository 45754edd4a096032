package crawler

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// benchPage is a ~50 KB board page of 60 inline ads, like a classifieds
// list page with its header, scripts and footer.
func benchPage() []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Jobs - page 1</title>
<link rel="stylesheet" href="/static/site.css"><script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script></head>
<body><header class="site-header"><nav><a href="/">Home</a> <a href="/jobs/">Jobs</a> <a href="/cars/">Cars</a></nav></header><main><ul class="ad-list">`)
	for i := range 60 {
		fmt.Fprintf(&b, `
<li class="ad-card" data-ad="%d"><article>
 <h2 class="ad-card__title"><a class="ad-card__link" href="/jobs/ad/%d-customer-service">Customer service staff %d, Sihanoukville</a></h2>
 <div class="ad-card__facts"><span class="ad-card__company">Golden Bay Online Co. %d</span> · <span class="ad-card__place">Sihanoukville, Cambodia</span>
 · <span class="ad-card__salary">USD 1,500 / month</span> · <time class="ad-card__age">%d hours ago</time></div>
 <div class="ad-card__text"><p>No experience needed! Free flight ticket and visa, free food and accommodation.<br>Only basic typing. Age 18-35.</p>
 <p>Apply today, places are limited.</p></div>
 <div class="ad-card__contacts"><a class="ad-card__contact" href="https://t.me/hr_%d">Telegram @hr_%d</a></div>
</article></li>`, i, i, i, i, i%24+1, i, i)
	}
	b.WriteString(`</ul><nav class="pager"><a class="pager__next" href="/jobs/?page=2">Next</a></nav></main><footer>© Board</footer></body></html>`)
	return []byte(b.String())
}

const benchYAML = `
name: bench
start_urls: ["{{base}}/jobs/"]
allow_private: true
timezone: Asia/Phnom_Penh
max_pages: 1
list:
  items: li.ad-card
  next_page: a.pager__next
item:
  id: "@data-ad"
  title: .ad-card__title
  url: "a.ad-card__link@href"
  body: .ad-card__text
  company: .ad-card__company
  location: .ad-card__place
  salary: .ad-card__salary
  posted: .ad-card__age
  contact: .ad-card__contact
`

func report(b *testing.B, size int) {
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/secs, "pages/s")
	b.ReportMetric(float64(b.N)*float64(size)/secs/1e6, "MB/s")
}

// BenchmarkParseBaseline is bare html.Parse of the page: the floor that
// parse plus extract is measured against.
func BenchmarkParseBaseline(b *testing.B) {
	page := benchPage()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := html.Parse(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
	report(b, len(page))
}

// BenchmarkParseExtract is the html kind over the saved page: charset
// check, parse, every selector, text, dates, and finishing 60 ads.
func BenchmarkParseExtract(b *testing.B) {
	page := benchPage()
	s, err := ParseSource("bench.yaml", []byte(strings.ReplaceAll(benchYAML, "{{base}}", "https://jobs.example.org")))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	now := time.Now()
	for b.Loop() {
		pv := PreviewSaved(s, "https://jobs.example.org/jobs/", page, "text/html; charset=utf-8", false, now)
		if len(pv.Ads) != 60 {
			b.Fatalf("%d ads", len(pv.Ads))
		}
	}
	report(b, len(page))
}

// itemPage is a ~50 KB page holding one ad, as most item pages do: site
// navigation, the ad, a long list of related jobs, scripts and a footer.
func itemPage() []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Customer service staff, Sihanoukville</title>
<link rel="stylesheet" href="/static/site.css"><script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script></head>
<body><header class="site-header"><nav><a href="/">Home</a> <a href="/jobs/">Jobs</a> <a href="/cars/">Cars</a></nav></header><main>
<article class="job-ad" data-id="1001"><h1 class="title">Customer service staff, Sihanoukville</h1>
<div class="meta"><span class="company">Golden Bay Online Co.</span> · <span class="location">Sihanoukville, Cambodia</span> · <span class="salary">USD 1,500 / month</span> · <time class="posted">2 hours ago</time></div>
<div class="description"><p>No experience needed! Free flight ticket and visa, free food and accommodation.</p><p>Only basic typing. Age 18-35. Apply today, places are limited.</p></div>
<div class="contact"><a href="https://t.me/hr_desk">Telegram @hr_desk</a></div></article>
<aside class="related"><h2>Related jobs</h2><ul>`)
	for i := 0; b.Len() < 48<<10; i++ {
		fmt.Fprintf(&b, `<li class="related__item"><a href="/jobs/ad/%d">Office assistant %d, Phnom Penh</a> <span class="related__company">Mekong Trading %d</span> <span class="related__salary">$%d</span></li>
`, 2000+i, i, i, 400+i)
	}
	b.WriteString(`</ul></aside></main><footer>© Board</footer></body></html>`)
	return []byte(b.String())
}

const itemYAML = `
name: bench-item
start_urls: ["https://jobs.example.org/jobs/"]
timezone: Asia/Phnom_Penh
list:
  item_links: a.job-link
item:
  id: "article.job-ad@data-id"
  title: h1.title
  body: .description
  company: .company
  location: .location
  salary: .salary
  posted: .posted
  contact: .contact
`

// BenchmarkParseExtractItem is the html kind over a saved 50 KB item page
// of one ad: the common case of a board crawl, beside the list page above.
func BenchmarkParseExtractItem(b *testing.B) {
	page := itemPage()
	s, err := ParseSource("bench-item.yaml", []byte(itemYAML))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	now := time.Now()
	for b.Loop() {
		pv := PreviewSaved(s, "https://jobs.example.org/jobs/ad/1001", page, "text/html; charset=utf-8", true, now)
		if len(pv.Ads) != 1 {
			b.Fatalf("%d ads", len(pv.Ads))
		}
	}
	report(b, len(page))
}

// BenchmarkParseBaselineItem is bare html.Parse of the item page.
func BenchmarkParseBaselineItem(b *testing.B) {
	page := itemPage()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := html.Parse(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
	report(b, len(page))
}

// BenchmarkCrawlLocal is whole passes of 20 list pages against a local
// server, politeness off: fetch, robots.txt (cached), parse, extract, state
// lookups and, on the first pass, publishing (to memory) and marking seen;
// after that the ads are known and only the state is read.
func BenchmarkCrawlLocal(b *testing.B) {
	page := benchPage()
	mux := http.NewServeMux()
	// Every list page is the same 50 KB and links to the next, up to
	// max_pages: a pass of 20 pages.
	mux.HandleFunc("GET /jobs/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		w.Write(bytes.Replace(page, []byte("/jobs/?page=2"), []byte(fmt.Sprintf("/jobs/?page=%d", n+1)), 1))
	})
	srv, _ := serve(&testing.T{}, mux)
	defer srv.Close()
	s, err := ParseSource("bench.yaml", []byte(strings.ReplaceAll(strings.ReplaceAll(benchYAML, "{{base}}", srv.URL), "max_pages: 1", "max_pages: 20")+"full_scan: true\n"))
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(Config{StateFile: b.TempDir() + "/state.db", Hosts: []HostRule{{Host: "*", Delay: 0, Concurrency: 8}}}, []*Source{s}, &memPublisher{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	const pagesPerPass = 20
	b.SetBytes(int64(len(page)) * pagesPerPass)
	for b.Loop() {
		st, err := c.Once(context.Background(), s)
		if err != nil || st.Pages != pagesPerPass {
			b.Fatalf("%+v %v", st, err)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)*pagesPerPass/secs, "pages/s")
	b.ReportMetric(float64(b.N)*pagesPerPass*float64(len(page))/secs/1e6, "MB/s")
}

// BenchmarkCrawlLocalItems is whole passes of a board against a local
// server, politeness off: a list page linking to 40 item pages of 50 KB,
// each holding one ad, all fetched, parsed and extracted on every pass.
func BenchmarkCrawlLocalItems(b *testing.B) {
	const items = 40
	item := itemPage()
	var list strings.Builder
	list.WriteString(`<!DOCTYPE html><html><body><ul>`)
	for i := range items {
		fmt.Fprintf(&list, `<li><a class="job-link" href="/jobs/ad/%d">Job %d</a></li>`, i, i)
	}
	list.WriteString(`</ul></body></html>`)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jobs/", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(list.String())) })
	mux.HandleFunc("GET /jobs/ad/{n}", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Replace(item, []byte(`data-id="1001"`), []byte(`data-id="`+r.PathValue("n")+`"`), 1))
	})
	srv, _ := serve(&testing.T{}, mux)
	defer srv.Close()
	yaml := strings.ReplaceAll(itemYAML, "https://jobs.example.org", srv.URL) + "allow_private: true\nfull_scan: true\n"
	s, err := ParseSource("bench-item.yaml", []byte(yaml))
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(Config{StateFile: b.TempDir() + "/state.db", Hosts: []HostRule{{Host: "*", Delay: 0, Concurrency: 8}}}, []*Source{s}, &memPublisher{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	const pagesPerPass = items + 1
	for b.Loop() {
		st, err := c.Once(context.Background(), s)
		if err != nil || st.Pages != pagesPerPass {
			b.Fatalf("%+v %v", st, err)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)*pagesPerPass/secs, "pages/s")
	b.ReportMetric(float64(b.N)*items*float64(len(item))/secs/1e6, "MB/s")
}
