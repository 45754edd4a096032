package web

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/index/indextest"
	"github.com/lurewatch/lurewatch/pkg/ad"
)

const (
	testUser     = "analyst"
	testPassword = "correct horse battery staple"
	testToken    = "test-token-0123456789"
)

// testSite is a server over the test ads, with one user and one token.
type testSite struct {
	srv    *Server
	http   *httptest.Server
	audit  string
	extras []*ad.Flagged
}

func newTestSite(t *testing.T, extra ...*ad.Flagged) *testSite {
	t.Helper()
	idx := indextest.Open(t, append(indextest.Ads(), extra...))
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := map[string]string{
		"LUREWATCH_USERS":  testUser + ":" + string(hash),
		"LUREWATCH_TOKENS": "ci:sha256:" + sha256hex(testToken),
	}
	cfg := Config{TokenFile: filepath.Join(dir, "api-token"), AuditLog: filepath.Join(dir, "audit.log")}
	srv, err := New(cfg, idx, WithGetenv(func(k string) string { return env[k] }))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return &testSite{srv: srv, http: hs, audit: cfg.AuditLog, extras: extra}
}

func (s *testSite) url(path string) string { return s.http.URL + path }

// client is a browser-like client that keeps cookies and does not follow
// redirects, so tests see them.
func (s *testSite) client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// login logs c in and returns the session's CSRF token.
func (s *testSite) login(t *testing.T, c *http.Client) string {
	t.Helper()
	resp, err := c.Get(s.url("/login"))
	if err != nil {
		t.Fatal(err)
	}
	m := csrfField.FindStringSubmatch(body(t, resp))
	if m == nil {
		t.Fatal("login page has no CSRF field")
	}
	resp, err = c.PostForm(s.url("/login"), url.Values{"csrf": {m[1]}, "user": {testUser}, "password": {testPassword}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login answered %s", resp.Status)
	}
	resp, err = c.Get(s.url("/"))
	if err != nil {
		t.Fatal(err)
	}
	m = csrfField.FindStringSubmatch(body(t, resp))
	if m == nil {
		t.Fatal("search page has no logout CSRF field")
	}
	return m[1]
}

func TestEverythingNeedsALogin(t *testing.T) {
	s := newTestSite(t)
	c := s.client(t)
	for _, p := range []string{"/", "/ads/en-1", "/contacts?handle=x", "/?q=a"} {
		resp, err := c.Get(s.url(p))
		if err != nil {
			t.Fatal(err)
		}
		body(t, resp)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("%s without login: %s to %q", p, resp.Status, resp.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/api/search?q=a", "/api/ads/en-1", "/api/ads/en-1/similar", "/api/contacts?handle=x"} {
		for _, auth := range []string{"", "Bearer wrong", "Basic YWRtaW46YWRtaW4="} {
			req, _ := http.NewRequest(http.MethodGet, s.url(p), nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body(t, resp)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s with %q: %s", p, auth, resp.Status)
			}
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := newTestSite(t)
	for _, p := range []string{"/login", "/", "/api/search", "/static/style.css", "/nope"} {
		resp, err := http.Get(s.url(p))
		if err != nil {
			t.Fatal(err)
		}
		body(t, resp)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: missing nosniff or frame options", p)
		}
	}
}

func TestLogin(t *testing.T) {
	s := newTestSite(t)
	c := s.client(t)
	resp, err := c.Get(s.url("/login?next=/ads/en-1"))
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	csrf := csrfField.FindStringSubmatch(page)[1]
	post := func(v url.Values, origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, s.url("/login"), strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body(t, resp)
		return resp
	}
	if r := post(url.Values{"user": {testUser}, "password": {testPassword}}, ""); r.StatusCode != http.StatusForbidden {
		t.Errorf("login without CSRF token: %s", r.Status)
	}
	csrf = csrfField.FindStringSubmatch(page)[1]
	// The cookie was replaced after the refusal: fetch a fresh form.
	resp, _ = c.Get(s.url("/login"))
	csrf = csrfField.FindStringSubmatch(body(t, resp))[1]
	if r := post(url.Values{"csrf": {csrf}, "user": {testUser}, "password": {testPassword}}, "http://evil.example"); r.StatusCode != http.StatusForbidden {
		t.Errorf("login from another origin: %s", r.Status)
	}
	resp, _ = c.Get(s.url("/login"))
	csrf = csrfField.FindStringSubmatch(body(t, resp))[1]
	if r := post(url.Values{"csrf": {csrf}, "user": {testUser}, "password": {"wrong"}}, ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %s", r.Status)
	}
	resp, _ = c.Get(s.url("/login"))
	csrf = csrfField.FindStringSubmatch(body(t, resp))[1]
	r := post(url.Values{"csrf": {csrf}, "user": {testUser}, "password": {testPassword}, "next": {"//evil.example/x"}}, s.http.URL)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Errorf("login with an off-site next: %s to %q", r.Status, r.Header.Get("Location"))
	}
	var sess *http.Cookie
	for _, ck := range r.Cookies() {
		if ck.Name == sessionCookie {
			sess = ck
		}
	}
	if sess == nil || !sess.HttpOnly || !sess.Secure || sess.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure (loopback counts as secure), SameSite=Lax", sess)
	}
	resp, _ = c.Get(s.url("/ads/en-1"))
	if page := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Golden Bay Online") {
		t.Fatalf("ad page after login: %s", resp.Status)
	}

	// Logout needs the session's CSRF token.
	resp, _ = c.Get(s.url("/"))
	token := csrfField.FindStringSubmatch(body(t, resp))[1]
	resp, _ = c.PostForm(s.url("/logout"), url.Values{"csrf": {"forged"}})
	body(t, resp)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a forged token: %s", resp.Status)
	}
	resp, _ = c.PostForm(s.url("/logout"), url.Values{"csrf": {token}})
	body(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %s", resp.Status)
	}
	resp, _ = c.Get(s.url("/"))
	body(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("still logged in after logout: %s", resp.Status)
	}
}

func apiGet(t *testing.T, s *testSite, path string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url(path), nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: content type %q", path, ct)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return resp.StatusCode
}

func TestAPI(t *testing.T) {
	s := newTestSite(t)
	var res index.Result
	q := url.Values{"q": {"กัมพูชา"}, "facets": {"level,week,salary"}, "country": {"KH"}}
	if code := apiGet(t, s, "/api/search?"+q.Encode(), &res); code != http.StatusOK {
		t.Fatalf("search: %d", code)
	}
	if res.Total != 1 || res.Hits[0].ID != "th-1" || res.Hits[0].Doc.Verdict.Level != ad.LevelHigh {
		t.Fatalf("search for กัมพูชา: %+v", res)
	}
	if len(res.Facets["week"].Ranges) == 0 || len(res.Facets["salary"].Ranges) != 5 || res.Facets["level"].Terms[0].Term != "high" {
		t.Errorf("facets %+v", res.Facets)
	}
	if len(res.Hits[0].Highlights) == 0 {
		t.Error("no highlights")
	}
	var d index.Doc
	if code := apiGet(t, s, "/api/ads/km-1", &d); code != http.StatusOK || len(d.Verdict.Hits) != 2 || d.Verdict.Hits[0].Spans[0].Text == "" {
		t.Errorf("ad: %d %+v", code, d.Verdict)
	}
	var sim index.Similar
	if code := apiGet(t, s, "/api/ads/en-1/similar", &sim); code != http.StatusOK || len(sim.SameContact) != 2 || len(sim.SameContent) != 1 {
		t.Errorf("similar: %d %+v", code, sim)
	}
	if code := apiGet(t, s, "/api/contacts?handle=telegram:@goldenbay_hr", &res); code != http.StatusOK || res.Total != 3 {
		t.Errorf("contact: %d, %d ads", code, res.Total)
	}
	var e apiError
	for path, want := range map[string]string{
		"/api/search?size=5000":         "size",
		"/api/search?since=yesterday":   "since",
		"/api/search?min_level=severe":  "min_level",
		"/api/search?salary_min=-1":     "salary_min",
		"/api/search?sort=title":        "sort",
		"/api/search?facets=body":       "facet",
		`/api/search?q=%22unterminated`: "unterminated",
		"/api/contacts":                 "handle",
		"/api/ads/en-1/similar?size=0":  "size",
	} {
		if code := apiGet(t, s, path, &e); code != http.StatusBadRequest || !strings.Contains(e.Error, want) {
			t.Errorf("%s: %d %q, want 400 naming %s", path, code, e.Error, want)
		}
	}
	if code := apiGet(t, s, "/api/ads/nope", &e); code != http.StatusNotFound {
		t.Errorf("unknown ad: %d", code)
	}
	if code := apiGet(t, s, "/api/nothing", &e); code != http.StatusNotFound {
		t.Errorf("unknown endpoint: %d", code)
	}
}

func TestAuditLogRecordsWhoSearchedWhat(t *testing.T) {
	s := newTestSite(t)
	c := s.client(t)
	s.login(t, c)
	resp, _ := c.Get(s.url("/?q=" + url.QueryEscape("西港")))
	body(t, resp)
	resp, _ = c.Get(s.url("/ads/zh-1"))
	body(t, resp)
	var res index.Result
	apiGet(t, s, "/api/search?q=Kamboja", &res)

	f, err := os.Open(s.audit)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		if e.Time.IsZero() || e.Remote == "" {
			t.Errorf("audit entry without time or address: %s", sc.Text())
		}
		n := -1
		if e.Results != nil {
			n = *e.Results
		}
		got = append(got, strings.Join([]string{e.User, e.Via, e.Action, e.Query}, " ")+" "+itoa(n))
	}
	want := []string{
		"analyst session login  -1",
		"analyst session search  15", // the search page after login lists every ad
		"analyst session search q=%E8%A5%BF%E6%B8%AF 1",
		"analyst session ad zh-1 1",
		"token:ci token search q=Kamboja 1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	info, err := os.Stat(s.audit)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode %v, %v", info.Mode(), err)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestGeneratedLoginWhenNoneConfigured(t *testing.T) {
	idx := indextest.Open(t, indextest.Ads())
	dir := t.TempDir()
	cfg := Config{TokenFile: filepath.Join(dir, "sub", "api-token"), AuditLog: filepath.Join(dir, "audit.log")}
	srv, err := New(cfg, idx, WithGetenv(func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	g := srv.GeneratedLogin()
	if g == nil || g.User != "admin" || len(g.Password) < 12 {
		t.Fatalf("generated login %+v", g)
	}
	data, err := os.ReadFile(cfg.TokenFile)
	if err != nil || strings.TrimSpace(string(data)) != g.Token {
		t.Fatalf("token file: %q, %v", data, err)
	}
	if info, _ := os.Stat(cfg.TokenFile); info.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v", info.Mode())
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/search?q=sihanoukville", nil)
	req.Header.Set("Authorization", "Bearer "+g.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("generated token refused: %s", resp.Status)
	}
	if !srv.creds.checkPassword("admin", g.Password) || srv.creds.checkPassword("admin", "") {
		t.Error("generated password does not work, or an empty one does")
	}
}

func TestCredentialErrorsNameTheLine(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users")
	os.WriteFile(users, []byte("# analysts\nalice:$2y$10$abcdefghijklmnopqrstuu5TK7bXSKQ6Ru5.kC8pIAhX0x6o3T6Ma\nbob:plaintext\n"), 0o600)
	for _, tc := range []struct {
		cfg  Config
		env  map[string]string
		want string
	}{
		{Config{UsersFile: users}, nil, users + ` line 3: user "bob": not a bcrypt hash`},
		{Config{UsersFile: filepath.Join(dir, "missing")}, nil, "missing"},
		{Config{}, map[string]string{"LUREWATCH_TOKENS": "ci:sha256:abc"}, `$LUREWATCH_TOKENS line 1: token "ci": not sha256:<64 hex digits>`},
		{Config{}, map[string]string{"LUREWATCH_USERS": "no-colon"}, "$LUREWATCH_USERS line 1: want name:secret"},
	} {
		tc.cfg.Defaults()
		_, err := loadCredentials(tc.cfg, func(k string) string { return tc.env[k] })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err %v, want %q", err, tc.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{SecureCookies: "sometimes"}, {SessionTTL: 1}} {
		c.Defaults()
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// A chat post has no title: lists and its page lead with the start of its
// text instead of an empty heading.
func TestPostWithoutTitleLeadsWithItsText(t *testing.T) {
	post := indextest.Fixture{ID: "tg-1", Lang: "en", Source: "channel", Platform: "telegram",
		Body: "URGENT typists for Poipet, USD 1,500 a month\nDM @fast_jobs", Rules: [][2]string{{"watched-hub", "Poipet"}},
		Level: "high", Posted: "2026-11-12"}.Flagged()
	s := newTestSite(t, post)
	c := s.client(t)
	s.login(t, c)
	for _, path := range []string{"/?q=poipet", "/ads/tg-1"} {
		resp, err := c.Get(s.url(path))
		if err != nil {
			t.Fatal(err)
		}
		page := body(t, resp)
		if !strings.Contains(page, "URGENT typists for Poipet, USD 1,500 a month") || strings.Contains(page, "(no title)") {
			t.Errorf("%s does not lead with the post's first line:\n%s", path, page)
		}
		if path == "/ads/tg-1" && !strings.Contains(page, "<title>URGENT typists for Poipet, USD 1,500 a month · lurewatch</title>") {
			t.Errorf("the ad page's <title> does not name the ad:\n%s", page)
		}
	}
}

// A rule that counts against a flag (a registered employer, say) shows its
// weight with its own sign, and one that counts for it with a plus (which
// html/template writes as &#43;). The fee asked shows in dollars, with the
// amount as written.
func TestAdPageSignsRuleWeights(t *testing.T) {
	f := indextest.Fixture{ID: "w-1", Lang: "en", Source: "board", Title: "Typists for Poipet",
		Body: "Typists for Poipet, Acme Co.", Rules: [][2]string{{"watched-hub", "Poipet"}},
		Level: "medium", Posted: "2026-11-12"}.Flagged()
	f.Verdict.Hits = append(f.Verdict.Hits, ad.Hit{Rule: "registered-employer", Weight: -0.75, Description: "Names a registered company."})
	f.Verdict.Extracted.Fee = &ad.Fee{Amount: 150000, Currency: "PHP", USD: 2610, Text: "₱150,000"}
	s := newTestSite(t, f)
	c := s.client(t)
	s.login(t, c)
	resp, err := c.Get(s.url("/ads/w-1"))
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	for _, want := range []string{"<td>&#43;3</td>", "<td>-0.75</td>", "Fee asked</dt><dd>USD 2,610 (₱150,000)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the ad page lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, "&#43;-") {
		t.Errorf("a negative weight shows as +-:\n%s", page)
	}
}

// An ad typed in Zawgyi is shown as typed and, beside it, converted to
// Unicode, the text the rules read.
func TestAdPageShowsZawgyiConverted(t *testing.T) {
	f := indextest.Fixture{ID: "zg-1", Lang: "my", Source: "board", Title: "ထိုင္း အလုပ္",
		Body: "ႀကိဳတင္ေငြ မလိုပါ", Level: "high", Posted: "2026-11-12"}.Flagged()
	f.Verdict.Extracted.Zawgyi = true
	plain := indextest.Fixture{ID: "u-1", Lang: "my", Source: "board", Title: "ထိုင်း အလုပ်",
		Body: "ကြိုတင်ငွေ မလိုပါ", Level: "high", Posted: "2026-11-12"}.Flagged()
	s := newTestSite(t, f, plain)
	c := s.client(t)
	s.login(t, c)
	for _, tc := range []struct {
		path      string
		converted bool
	}{{"/ads/zg-1", true}, {"/ads/u-1", false}} {
		resp, err := c.Get(s.url(tc.path))
		if err != nil {
			t.Fatal(err)
		}
		page := body(t, resp)
		shown := strings.Contains(page, "Read as Unicode") && strings.Contains(page, "ထိုင်း အလုပ်\nကြိုတင်ငွေ မလိုပါ")
		if shown != tc.converted || !strings.Contains(page, f.Body) && tc.converted {
			t.Errorf("%s: converted text shown %v, want %v:\n%s", tc.path, shown, tc.converted, page)
		}
	}
}
