package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/index/indextest"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

// chromiumPath is Debian's chromium; .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium with a fresh profile for one test.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the browser tests need %s (apt-get install chromium): %v", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first call starts the browser, which lives as long as its context:
	// no timeout on that one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// screenshotDir is out/screenshots at the root of the module, git-ignored,
// for a person to look at.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
	out := filepath.Join(dir, "out", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

func screenshot(t *testing.T, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		buf, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(screenshotDir(t), name+".png"), buf, 0o644)
	})
}

// run runs the steps, each batch within a minute.
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func attr(t *testing.T, ctx context.Context, sel chromedp.CSS, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(sel, name))
	if err != nil {
		t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return v.Value
}

func browserLogin(t *testing.T, ctx context.Context, s *testSite) {
	t.Helper()
	run(t, ctx, "log in",
		chromedp.Navigate(s.url("/")),
		chromedp.WaitVisible(chromedp.ID("user")),
		screenshot(t, "login"),
		chromedp.SendKeys(chromedp.ID("user"), testUser),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("q")),
	)
}

// resultIDs are the ad ids the result list links to, in order.
func resultIDs(t *testing.T, ctx context.Context) []string {
	t.Helper()
	hrefs := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('ol.hits li.hit h3 a')).map(a => a.getAttribute('href'))`)
	var out []string
	for _, h := range hrefs {
		out = append(out, strings.TrimPrefix(h, "/ads/"))
	}
	return out
}

func TestBrowserSearchFacetsAndAdPage(t *testing.T) {
	s := newTestSite(t)
	ctx := browser(t)
	browserLogin(t, ctx, s)

	// Search in four languages, typed into the search box.
	for _, tc := range []struct {
		lang, query string
		want        []string
	}{
		{"th", "กัมพูชา", []string{"th-1"}},
		{"km", "ព្រះសីហនុ", []string{"km-1"}},
		{"zh", "西港", []string{"zh-1"}},
		{"id", "Kamboja", []string{"id-1"}},
	} {
		run(t, ctx, "search "+tc.lang,
			chromedp.Clear(chromedp.ID("q")),
			chromedp.SendKeys(chromedp.ID("q"), tc.query),
			chromedp.Submit(chromedp.ID("q")),
			// The new page names the query in its heading.
			chromedp.WaitVisible(chromedp.Search(`//h1[contains(@class,"count")]/q[.="`+tc.query+`"]`)),
			screenshot(t, "search-"+tc.lang),
		)
		marks := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('li.hit mark')).map(m => m.textContent)`)
		if got := resultIDs(t, ctx); !slices.Equal(got, tc.want) {
			t.Errorf("%s: searching %q found %v, want %v", tc.lang, tc.query, got, tc.want)
		}
		if !slices.Contains(marks, tc.query) {
			t.Errorf("%s: the snippets mark %q, not %q", tc.lang, marks, tc.query)
		}
	}

	// Every ad, then narrow by a facet: the Thai ones.
	run(t, ctx, "click a facet",
		chromedp.Navigate(s.url("/")),
		chromedp.WaitVisible(chromedp.CSS(`.facet-lang`)),
		chromedp.Click(chromedp.Search(`//section[contains(@class,"facet-lang")]//a[span[normalize-space()="th"]]`)),
		chromedp.WaitVisible(chromedp.CSS(`.facet-lang a.on`)),
		screenshot(t, "facet-lang-th"),
	)
	count := eval[string](t, ctx, `document.querySelector('h1.count').innerText`)
	pressed := attr(t, ctx, `.facet-lang a.on`, "aria-current")
	got := resultIDs(t, ctx)
	slices.Sort(got)
	if !slices.Equal(got, []string{"th-1", "th-2"}) || !strings.HasPrefix(count, "2 flagged ads") || pressed != "true" {
		t.Errorf("after the lang=th facet: %v, %q, aria-current %q", got, count, pressed)
	}

	// Open the lure and check the rules' words are marked in its text.
	run(t, ctx, "open an ad",
		chromedp.Click(chromedp.CSS(`a[href="/ads/th-1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.ad .body`)),
		screenshot(t, "ad-th"),
	)
	marks := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.ad .body mark')).map(m => m.textContent)`)
	titles := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.ad .body mark')).map(m => m.title)`)
	source := attr(t, ctx, `a.source`, "href")
	if !slices.Equal(marks, []string{"ไม่ต้องมีประสบการณ์", "สีหนุวิลล์"}) || !slices.Equal(titles, []string{"no-experience", "watched-hub"}) {
		t.Errorf("ad page marks %q with rules %q", marks, titles)
	}
	if source != "https://jobs.example/ad/th-1" {
		t.Errorf("source link %q", source)
	}
	rules := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.rules-table tbody tr')).map(r => r.innerText.replace(/\s+/g, ' ').trim())`)
	if len(rules) != 2 || !strings.Contains(rules[0], "Test rule no-experience.") || !strings.Contains(rules[0], "ไม่ต้องมีประสบการณ์") {
		t.Errorf("rules table %q", rules)
	}

	// The contact handle page lists every ad sharing it.
	run(t, ctx, "follow a handle",
		chromedp.Navigate(s.url("/ads/en-1")),
		chromedp.WaitVisible(chromedp.CSS(`.ad .body`)),
		chromedp.Click(chromedp.Search(`//a[contains(., "@goldenbay_hr")]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.hits`)),
		screenshot(t, "contact"),
	)
	got = resultIDs(t, ctx)
	slices.Sort(got)
	if !slices.Equal(got, []string{"en-1", "en-2", "en-3"}) {
		t.Errorf("contact page lists %v", got)
	}

	// On a phone the page fits the screen: nothing scrolls sideways.
	run(t, ctx, "phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(s.url("/?q=Sihanoukville")),
		chromedp.WaitVisible(chromedp.CSS(`h1.count`)),
		screenshot(t, "phone-search"),
	)
	scrollW := eval[int](t, ctx, `document.documentElement.scrollWidth`)
	clientW := eval[int](t, ctx, `document.documentElement.clientWidth`)
	run(t, ctx, "phone ad page",
		chromedp.Navigate(s.url("/ads/my-1")),
		chromedp.WaitVisible(chromedp.CSS(`.ad .body`)),
		screenshot(t, "phone-ad-my"),
	)
	if scrollW > clientW {
		t.Errorf("on a phone the search page is %dpx wide in a %dpx screen", scrollW, clientW)
	}
}

// hostileAds carry the payloads a crawled page might: script, event
// handlers, javascript: URLs and CSS, in every field an ad shows, each of
// them aiming to set window.__pwned or to fetch from beacon.
func hostileAds(beacon string) []*ad.Flagged {
	script := `<script>window.__pwned="script"</script>`
	img := `<img src="` + beacon + `/img" onerror="window.__pwned='onerror'">`
	svg := `<svg onload="window.__pwned='svg'"></svg>`
	attr := `" autofocus onfocus="window.__pwned='attr'" x="`
	css := `<style>body{background:url(` + beacon + `/css)} *{display:none}</style><div style="background:url(` + beacon + `/inline)">`
	js := `javascript:window.__pwned='url'`
	fx := indextest.Fixture{
		ID: "xss-1", Lang: "en", Source: "hostile" + script, Platform: "jobboard" + img,
		URL:   js,
		Title: "Typist wanted " + script + attr,
		Body: "Sihanoukville payloads: " + script + " " + img + " " + svg + " " + css +
			` <a href="` + js + `">apply</a> <iframe src="` + beacon + `/frame"></iframe> </textarea></title>` + script,
		Location: "Bavet" + img, Company: "Evil Co " + attr, Salary: 1500,
		Places: []string{"Sihanoukville" + script}, Countries: []string{"KH"},
		Contacts: [][2]string{{"telegram", "@x" + attr + svg}}, JobTypes: []string{"typist" + svg},
		Rules: [][2]string{{"watched-hub", "Sihanoukville"}, {`rule"><script>window.__pwned="rule"</script>`, "payloads"}},
		Level: "high" + script, Posted: "2026-11-10",
	}
	a := fx.Flagged()
	a.Verdict.Level = ad.Level(`high"><script>window.__pwned="level"</script>`)
	a.Verdict.Hits[0].Description = `Names a hub. <script>window.__pwned="description"</script>` + img
	a.Author = attr + script
	b := indextest.Fixture{ID: `xss-2"><script>window.__pwned="id"</script>`, Lang: "en", URL: "data:text/html,<script>window.__pwned='data'</script>",
		Title: `<img src=x onerror=window.__pwned='t2'>`, Body: "Sihanoukville " + css, Level: "medium", Posted: "2026-11-11"}.Flagged()
	return []*ad.Flagged{a, b}
}

func TestBrowserRunsNoScriptFromAds(t *testing.T) {
	var beaconHits atomic.Int64
	beacon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		beaconHits.Add(1)
	}))
	defer beacon.Close()
	s := newTestSite(t, hostileAds(beacon.URL)...)
	ctx := browser(t)
	browserLogin(t, ctx, s)

	pages := []string{
		"/?q=" + url.QueryEscape("payloads <script>window.__pwned='query'</script>"),
		"/?q=Sihanoukville&facets=all",
		"/ads/xss-1",
		"/ads/" + url.PathEscape(`xss-2"><script>window.__pwned="id"</script>`),
		"/contacts?handle=" + url.QueryEscape(index.ContactKey(hostileAds(beacon.URL)[0].Verdict.Extracted.Contacts[0])),
		"/?place=" + url.QueryEscape("sihanoukville<script>window.__pwned=\"place\"</script>"),
	}
	check := func(label string) {
		for _, p := range pages {
			run(t, ctx, label+" "+p,
				chromedp.Navigate(s.url(p)),
				chromedp.WaitReady(chromedp.CSS(`body`)),
				chromedp.Sleep(300*time.Millisecond), // let any load or error handler fire
			)
			pwned := eval[int](t, ctx, `window.__pwned === undefined ? 0 : 1`)
			scripts := eval[int](t, ctx, `document.scripts.length`)
			handlers := eval[int](t, ctx, `Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length`)
			styles := eval[int](t, ctx, `document.querySelectorAll('style, [style]').length`)
			embeds := eval[int](t, ctx, `document.querySelectorAll('img, svg, iframe, object, embed').length`)
			jsLinks := eval[int](t, ctx, `Array.from(document.querySelectorAll('a[href]')).filter(a => !/^(https?:|\/|#|\?)/.test(a.getAttribute('href'))).length`)
			text := eval[string](t, ctx, `document.body.innerText`)
			if pwned+scripts+handlers+styles+embeds+jsLinks != 0 {
				t.Errorf("%s %s: pwned %d, scripts %d, handlers %d, styles %d, embeds %d, non-web links %d", label, p, pwned, scripts, handlers, styles, embeds, jsLinks)
			}
			if strings.HasPrefix(p, "/ads/xss-1") && !strings.Contains(text, `<script>window.__pwned="script"</script>`) {
				t.Errorf("%s %s: the payload is not shown as text", label, p)
			}
		}
	}
	// First as served, with the Content-Security-Policy; then with the
	// browser told to ignore it, to show escaping alone holds.
	check("with CSP")
	run(t, ctx, "screenshot", chromedp.Navigate(s.url("/ads/xss-1")), chromedp.WaitReady(chromedp.CSS(`body`)), screenshot(t, "hostile-ad"))
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("bypass CSP: %v", err)
	}
	check("without CSP")

	// The hostile source URL is not a link to click.
	run(t, ctx, "source link", chromedp.Navigate(s.url("/ads/xss-1")), chromedp.WaitReady(chromedp.CSS(`body`)))
	if links := eval[int](t, ctx, `document.querySelectorAll('a.source').length`); links != 0 {
		t.Errorf("a javascript: source URL became a link")
	}
	if n := beaconHits.Load(); n != 0 {
		t.Errorf("the browser fetched %d resources named by ads", n)
	}
}
