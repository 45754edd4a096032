package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lurewatch/lurewatch/index"
	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/lurewatch/lurewatch/pkg/zawgyi"
)

// pageNames are the pages, each a template file beside layout.html.
var pageNames = []string{"login", "search", "ad", "contact", "error"}

func parsePages() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(template.FuncMap{
			"level": func(s string) string { return levelClass(ad.Level(s)) },
		}).ParseFS(templateFS, "templates/layout.html", "templates/parts.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// base is what every page shows around its content.
type base struct {
	Title string
	User  string
	CSRF  string
}

func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, data); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "could not show the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) errorPage(w http.ResponseWriter, u *who, status int, msg string) {
	b := base{Title: http.StatusText(status)}
	if u != nil {
		b.User = u.user
		if u.sess != nil {
			b.CSRF = u.sess.csrf
		}
	}
	s.render(w, status, "error", struct {
		base
		Status  int
		Message string
	}{b, status, msg})
}

func baseFor(title string, u *who) base {
	b := base{Title: title, User: u.user}
	if u.sess != nil {
		b.CSRF = u.sess.csrf
	}
	return b
}

// levelClass maps a level to a known CSS class: a level is data from the
// bus and is not trusted to be one of the five.
func levelClass(l ad.Level) string {
	if l.Rank() < 0 {
		return "unknown"
	}
	return string(l)
}

// safeURL returns u when it is an http or https URL, for a link; anything
// else (javascript:, data:, relative) is shown as text only.
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func fmtSalary(x *ad.Salary) string {
	if x == nil || x.USDMonth <= 0 {
		return ""
	}
	s := fmt.Sprintf("USD %s a month", thousands(x.USDMonth))
	if x.Text != "" {
		s += " (" + x.Text + ")"
	}
	return s
}

func fmtFee(x *ad.Fee) string {
	if x == nil || x.USD <= 0 {
		return ""
	}
	s := "USD " + thousands(x.USD)
	if x.Text != "" {
		s += " (" + x.Text + ")"
	}
	return s
}

func thousands(f float64) string {
	n := strconv.FormatFloat(f, 'f', 0, 64)
	var b strings.Builder
	for i, c := range n {
		if i > 0 && (len(n)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// hitView is one ad in a list of results.
type hitView struct {
	ID, Href, Level     string
	Score               string
	Title               []index.Part
	Passages            [][]index.Part
	Source, Platform    string
	Location, Salary    string
	FirstSeen, LastSeen string
	TimesSeen           int
	Rules               []string
}

func newHitView(h index.Hit) hitView {
	d := h.Doc
	v := hitView{
		ID: d.ID, Href: "/ads/" + url.PathEscape(d.ID), Level: levelClass(d.Verdict.Level),
		Score: strconv.FormatFloat(d.Verdict.Score, 'f', 1, 64), Source: d.Source, Platform: d.Platform,
		Location: d.Location, Salary: fmtSalary(d.Verdict.Extracted.Salary),
		FirstSeen: fmtTime(d.FirstSeen), LastSeen: fmtTime(d.LastSeen), TimesSeen: d.TimesSeen,
	}
	for _, hit := range d.Verdict.Hits {
		v.Rules = append(v.Rules, hit.Rule)
	}
	for _, sn := range h.Highlights {
		switch sn.Field {
		case "title":
			v.Title = sn.Parts
		case "body", "unicode":
			v.Passages = append(v.Passages, sn.Parts)
		}
	}
	if v.Title == nil {
		v.Title = []index.Part{{Text: headline(d)}}
	}
	return v
}

// headline is the ad's title as written, so that the rules' spans still
// point into it; for a post without one, the start of its text.
func headline(d *index.Doc) string {
	if strings.TrimSpace(d.Title) != "" {
		return d.Title
	}
	if h := d.Headline(); h != "" {
		return h
	}
	return "(no title)"
}

// facetView is one facet of the sidebar.
type facetView struct {
	Name, Label string
	Items       []facetItem
}

type facetItem struct {
	Label  string
	Count  int
	Max    int
	Href   string
	Active bool
}

var facetLabels = map[string]string{
	"level": "Level", "country": "Country", "place": "Place", "rule": "Rule", "category": "Category",
	"lang": "Language", "source": "Source", "platform": "Platform", "contact": "Contact handle",
	"job_type": "Job type", "week": "Week", "salary": "Salary (USD a month)", "nationality": "Nationality",
}

// toggle returns the page's URL with param=value added, or removed if it
// was there, back on the first page.
func toggle(v url.Values, param, value string) (string, bool) {
	n := cloneValues(v)
	n.Del("from")
	active := false
	var kept []string
	for _, x := range n[param] {
		if strings.EqualFold(x, value) {
			active = true
			continue
		}
		kept = append(kept, x)
	}
	if active {
		n[param] = kept
	} else {
		n[param] = append(kept, value)
	}
	return "/?" + n.Encode(), active
}

func cloneValues(v url.Values) url.Values {
	n := url.Values{}
	for k, vs := range v {
		if len(vs) > 0 && !(len(vs) == 1 && vs[0] == "") {
			n[k] = append([]string(nil), vs...)
		}
	}
	return n
}

func facetViews(res *index.Result, v url.Values) []facetView {
	var out []facetView
	for _, name := range index.DefaultFacets() {
		f := res.Facets[name]
		if f == nil {
			continue
		}
		fv := facetView{Name: name, Label: facetLabels[name]}
		switch name {
		case "week":
			max := 1
			for _, r := range f.Ranges {
				max = maxInt(max, r.Count)
			}
			for _, r := range f.Ranges {
				from, _ := time.Parse(time.RFC3339, fmt.Sprint(r.From))
				n := cloneValues(v)
				n.Del("from")
				since, until := from.Format(time.DateOnly), from.AddDate(0, 0, 6).Format(time.DateOnly)
				active := v.Get("since") == since && v.Get("until") == until
				if active {
					n.Del("since")
					n.Del("until")
				} else {
					n.Set("since", since)
					n.Set("until", until)
				}
				fv.Items = append(fv.Items, facetItem{Label: r.Name, Count: r.Count, Max: max, Href: "/?" + n.Encode(), Active: active})
			}
		case "salary":
			for _, r := range f.Ranges {
				n := cloneValues(v)
				n.Del("from")
				lo, hi := fmt.Sprint(orEmpty(r.From)), fmt.Sprint(orEmpty(r.To))
				active := v.Get("salary_min") == lo && v.Get("salary_max") == hi
				n.Del("salary_min")
				n.Del("salary_max")
				if !active {
					if lo != "" {
						n.Set("salary_min", lo)
					}
					if hi != "" {
						n.Set("salary_max", hi)
					}
				}
				fv.Items = append(fv.Items, facetItem{Label: r.Name, Count: r.Count, Href: "/?" + n.Encode(), Active: active})
			}
		default:
			for _, t := range f.Terms {
				href, active := toggle(v, name, t.Term)
				label := t.Term
				if name == "country" || name == "nationality" {
					label = strings.ToUpper(label)
				}
				fv.Items = append(fv.Items, facetItem{Label: label, Count: t.Count, Href: href, Active: active})
			}
			// A filter with no ad left still shows, so that it can be undone.
			for _, val := range v[name] {
				found := false
				for _, it := range fv.Items {
					if strings.EqualFold(it.Label, val) {
						found = true
					}
				}
				if !found {
					href, _ := toggle(v, name, val)
					fv.Items = append(fv.Items, facetItem{Label: val, Href: href, Active: true})
				}
			}
		}
		if len(fv.Items) > 0 {
			out = append(out, fv)
		}
	}
	return out
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// activeFilter is a filter in force, with the link that removes it.
type activeFilter struct {
	Label, Href string
}

func activeFilters(v url.Values) []activeFilter {
	var out []activeFilter
	names := append(index.KeywordFields(), "min_level", "since", "until", "salary_min", "salary_max", "date_field")
	sort.Strings(names)
	for _, p := range names {
		for _, val := range v[p] {
			if val == "" {
				continue
			}
			n := cloneValues(v)
			n.Del("from")
			var kept []string
			for _, x := range n[p] {
				if x != val {
					kept = append(kept, x)
				}
			}
			n[p] = kept
			out = append(out, activeFilter{Label: facetLabelOr(p) + ": " + val, Href: "/?" + n.Encode()})
		}
	}
	return out
}

func facetLabelOr(p string) string {
	if l, ok := facetLabels[p]; ok {
		return l
	}
	return strings.ReplaceAll(p, "_", " ")
}

type searchView struct {
	base
	Q, Sort, MinLevel, DateField string
	Since, Until                 string
	SalaryMin, SalaryMax         string
	Error                        string
	Total                        uint64
	TookMS                       string
	First, Last                  int
	Hits                         []hitView
	Facets                       []facetView
	Filters                      []activeFilter
	PrevHref, NextHref           string
	Hidden                       []hiddenField
	SortOptions, LevelOptions    []option
	DateFieldOptions             []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// hiddenField carries a filter through the search form, so that a new
// query keeps the facets chosen.
type hiddenField struct{ Name, Value string }

const pageSize = 20

func options(current string, pairs ...string) []option {
	var out []option
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == current})
	}
	return out
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, u *who) {
	v := r.URL.Query()
	view := searchView{
		base: baseFor("Search", u), Q: v.Get("q"), Sort: v.Get("sort"), MinLevel: v.Get("min_level"),
		DateField: v.Get("date_field"), Since: v.Get("since"), Until: v.Get("until"),
		SalaryMin: v.Get("salary_min"), SalaryMax: v.Get("salary_max"),
		Filters: activeFilters(v),
	}
	view.SortOptions = options(view.Sort, "", "Best match (newest without words)", "-last_seen", "Last seen", "-first_seen", "First seen",
		"-posted", "Posted", "-score", "Score", "-salary", "Salary, highest first", "salary", "Salary, lowest first")
	view.LevelOptions = options(view.MinLevel, "", "Any", "low", "Low or above", "medium", "Medium or above", "high", "High or above", "critical", "Critical")
	view.DateFieldOptions = options(view.DateField, "", "First seen", "last_seen", "Last seen", "posted", "Posted")
	for _, f := range index.KeywordFields() {
		for _, val := range v[f] {
			view.Hidden = append(view.Hidden, hiddenField{f, val})
		}
	}
	n := cloneValues(v)
	if n.Get("facets") == "" {
		n.Set("facets", "all")
	}
	q, err := parseQuery(n, pageSize)
	if err != nil {
		view.Error = err.Error()
		s.render(w, http.StatusBadRequest, "search", view)
		return
	}
	q.Size = pageSize
	res, err := s.idx.Search(r.Context(), q)
	if err != nil {
		if errors.Is(err, index.ErrBadQuery) {
			view.Error = err.Error()
			s.render(w, http.StatusBadRequest, "search", view)
			return
		}
		s.log.Error("search page", "err", err)
		s.errorPage(w, u, http.StatusInternalServerError, "The search failed; the server's log says why.")
		return
	}
	if !s.record(w, r, u, "search", r.URL.RawQuery, int(res.Total), false) {
		return
	}
	view.Total = res.Total
	view.TookMS = strconv.FormatFloat(res.TookMS, 'f', 1, 64)
	for _, h := range res.Hits {
		view.Hits = append(view.Hits, newHitView(h))
	}
	view.Facets = facetViews(res, v)
	view.First, view.Last = q.Offset+1, q.Offset+len(res.Hits)
	if q.Offset > 0 {
		p := cloneValues(v)
		p.Set("from", strconv.Itoa(max(0, q.Offset-pageSize)))
		view.PrevHref = "/?" + p.Encode()
	}
	if uint64(q.Offset+len(res.Hits)) < res.Total && q.Offset+pageSize <= index.MaxOffset {
		p := cloneValues(v)
		p.Set("from", strconv.Itoa(q.Offset+pageSize))
		view.NextHref = "/?" + p.Encode()
	}
	s.render(w, http.StatusOK, "search", view)
}

type ruleView struct {
	Rule, Category, Description string
	Weight                      string
	Words                       []string
}

type contactView struct {
	Label, Href string
}

type adView struct {
	base
	ID, Level, Score, Category   string
	Heading                      []index.Part // the title with the rules' words marked; base.Title is the page's
	Body                         []index.Part
	Location, Company, Author    string
	SalaryAsWritten              string
	Source, Platform, Lang       string
	SourceURL, SourceRaw         string
	Posted, Fetched              string
	FirstSeen, LastSeen          string
	TimesSeen                    int
	Rules                        []ruleView
	Salary, Fee                  string
	Places, Countries, Languages []string
	JobTypes, Nationalities      []string
	// Unicode is the title and body converted, for an ad whose Burmese
	// is typed in Zawgyi, which a Unicode font draws garbled.
	Unicode                  string
	Contacts                 []contactView
	ContactsAsWritten        []string
	RulePack, ClassifiedAt   string
	ContentHash              string
	SameContact, SameContent []hitView
}

// spanMarks are the rule hits' spans in one field, as marks labelled with
// the rule. A span whose offsets do not fit the text (a classifier bug, or
// an ad edited since) is found by its text instead.
func spanMarks(d *index.Doc, field, text string) []index.Mark {
	var out []index.Mark
	for _, h := range d.Verdict.Hits {
		for _, sp := range h.Spans {
			if sp.Field != field {
				continue
			}
			st, en := sp.OrigStart, sp.OrigEnd
			if st < 0 || en > len(text) || st >= en || (sp.Text != "" && text[st:en] != sp.Text) {
				at := -1
				if sp.Text != "" {
					at = strings.Index(text, sp.Text)
				}
				if at < 0 {
					continue
				}
				st, en = at, at+len(sp.Text)
			}
			out = append(out, index.Mark{Start: st, End: en, Label: h.Rule})
		}
	}
	return out
}

func (s *Server) adPage(w http.ResponseWriter, r *http.Request, u *who) {
	id := r.PathValue("id")
	d, err := s.idx.Get(r.Context(), id)
	if errors.Is(err, index.ErrNotFound) {
		s.errorPage(w, u, http.StatusNotFound, "No ad with that id.")
		return
	}
	if err != nil {
		s.log.Error("ad page", "err", err)
		s.errorPage(w, u, http.StatusInternalServerError, "Could not read the ad; the server's log says why.")
		return
	}
	if !s.record(w, r, u, "ad", id, 1, false) {
		return
	}
	v := d.Verdict
	x := v.Extracted
	view := adView{
		base: baseFor(headline(d), u), ID: d.ID, Level: levelClass(v.Level),
		Score: strconv.FormatFloat(v.Score, 'f', 1, 64), Category: v.Category,
		Heading:  index.MarkText(headline(d), spanMarks(d, "title", d.Title)),
		Body:     index.MarkText(d.Body, spanMarks(d, "body", d.Body)),
		Location: d.Location, Company: d.Company, Author: d.Author, SalaryAsWritten: d.Salary,
		Source: d.Source, Platform: d.Platform, Lang: d.Lang,
		SourceURL: safeURL(d.URL), SourceRaw: d.URL,
		Posted: fmtTime(d.PostedAt), Fetched: fmtTime(d.FetchedAt),
		FirstSeen: fmtTime(d.FirstSeen), LastSeen: fmtTime(d.LastSeen), TimesSeen: d.TimesSeen,
		Salary: fmtSalary(x.Salary), Fee: fmtFee(x.Fee), Places: x.Places, Countries: x.Countries, Languages: x.Languages,
		JobTypes: x.JobTypes, Nationalities: x.Nationalities, ContactsAsWritten: d.Contacts,
		RulePack: v.Rules, ClassifiedAt: fmtTime(v.ClassifiedAt), ContentHash: d.ContentHash,
	}
	if x.Zawgyi {
		view.Unicode = zawgyi.Convert(strings.TrimSpace(d.Title + "\n" + d.Body))
	}
	for _, h := range v.Hits {
		rv := ruleView{Rule: h.Rule, Category: h.Category, Description: h.Description, Weight: fmt.Sprintf("%+g", h.Weight)}
		for _, sp := range h.Spans {
			if sp.Text != "" && !containsStr(rv.Words, sp.Text) {
				rv.Words = append(rv.Words, sp.Text)
			}
		}
		view.Rules = append(view.Rules, rv)
	}
	for _, c := range x.Contacts {
		key := index.ContactKey(c)
		if key == "" {
			continue
		}
		view.Contacts = append(view.Contacts, contactView{Label: c.Kind + " " + c.Value, Href: "/contacts?handle=" + url.QueryEscape(key)})
	}
	if len(view.Contacts) == 0 {
		for _, c := range d.Contacts {
			key := strings.ToLower(strings.Join(strings.Fields(c), " "))
			view.Contacts = append(view.Contacts, contactView{Label: c, Href: "/contacts?handle=" + url.QueryEscape(key)})
		}
	}
	if sim, err := s.idx.Similar(r.Context(), id, 10); err == nil {
		for _, o := range sim.SameContact {
			view.SameContact = append(view.SameContact, newHitView(index.Hit{ID: o.ID, Doc: o}))
		}
		for _, o := range sim.SameContent {
			view.SameContent = append(view.SameContent, newHitView(index.Hit{ID: o.ID, Doc: o}))
		}
	} else {
		s.log.Warn("similar ads", "id", id, "err", err)
	}
	s.render(w, http.StatusOK, "ad", view)
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

type contactPageView struct {
	base
	Handle             string
	Total              uint64
	Hits               []hitView
	PrevHref, NextHref string
}

func (s *Server) contactPage(w http.ResponseWriter, r *http.Request, u *who) {
	v := r.URL.Query()
	handle := strings.TrimSpace(v.Get("handle"))
	if handle == "" {
		s.errorPage(w, u, http.StatusBadRequest, "Which handle? The link needs ?handle=kind:value.")
		return
	}
	from, err := intParam(v, "from", 0, 0, index.MaxOffset)
	if err != nil {
		s.errorPage(w, u, http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.idx.Search(r.Context(), index.Query{Filters: map[string][]string{"contact": {handle}}, Size: pageSize, Offset: from, Sort: "-last_seen"})
	if err != nil {
		s.log.Error("contact page", "err", err)
		s.errorPage(w, u, http.StatusInternalServerError, "The search failed; the server's log says why.")
		return
	}
	if !s.record(w, r, u, "contact", handle, int(res.Total), false) {
		return
	}
	view := contactPageView{base: baseFor("Handle "+handle, u), Handle: handle, Total: res.Total}
	for _, h := range res.Hits {
		view.Hits = append(view.Hits, newHitView(h))
	}
	page := func(at int) string {
		return "/contacts?" + url.Values{"handle": {handle}, "from": {strconv.Itoa(at)}}.Encode()
	}
	if from > 0 {
		view.PrevHref = page(max(0, from-pageSize))
	}
	if uint64(from+len(res.Hits)) < res.Total && from+pageSize <= index.MaxOffset {
		view.NextHref = page(from + pageSize)
	}
	s.render(w, http.StatusOK, "contact", view)
}

type loginView struct {
	base
	Next, Error string
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	token := randomString(24)
	s.setCookie(w, r, csrfCookie, token, 3600)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, http.StatusOK, "login", loginView{base: base{Title: "Log in", CSRF: token}, Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	next := safeNext(r.PostFormValue("next"))
	fail := func(status int, msg string) {
		token := randomString(24)
		s.setCookie(w, r, csrfCookie, token, 3600)
		s.render(w, status, "login", loginView{base: base{Title: "Log in", CSRF: token}, Next: next, Error: msg})
	}
	c, err := r.Cookie(csrfCookie)
	want := ""
	if err == nil {
		want = c.Value
	}
	if err := s.checkCSRF(r, want); err != nil {
		s.metrics.logins.WithLabelValues("csrf").Inc()
		fail(http.StatusForbidden, err.Error())
		return
	}
	user := strings.TrimSpace(r.PostFormValue("user"))
	if !s.creds.checkPassword(user, r.PostFormValue("password")) {
		s.metrics.logins.WithLabelValues("failed").Inc()
		if err := s.audit.record(r, nil, AuditEntry{Action: "login_failed", Query: user}); err != nil {
			s.log.Error("audit log", "err", err)
		}
		fail(http.StatusUnauthorized, "Wrong user name or password.")
		return
	}
	id, _ := s.sessions.create(user)
	if err := s.audit.record(r, &who{user: user, via: "session"}, AuditEntry{Action: "login"}); err != nil {
		s.log.Error("audit log", "err", err)
		s.sessions.delete(id)
		fail(http.StatusInternalServerError, "Could not write the audit log.")
		return
	}
	s.metrics.logins.WithLabelValues("ok").Inc()
	s.setCookie(w, r, sessionCookie, id, int(s.cfg.SessionTTL.Seconds()))
	s.setCookie(w, r, csrfCookie, "", -1)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, u *who) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if u.sess == nil {
		s.errorPage(w, u, http.StatusBadRequest, "An API token has no session to end.")
		return
	}
	if err := s.checkCSRF(r, u.sess.csrf); err != nil {
		s.errorPage(w, u, http.StatusForbidden, err.Error())
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.delete(c.Value)
	}
	if err := s.audit.record(r, u, AuditEntry{Action: "logout"}); err != nil {
		s.log.Error("audit log", "err", err)
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
