package crawler

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFileImportJSONLines(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "posts.jsonl"), fixture(t, "file/posts.jsonl"), 0o644); err != nil {
		t.Fatal(err)
	}
	srcFile := filepath.Join(dir, "social.yaml")
	s, err := ParseSource(srcFile, []byte(`
name: social-export
kind: file
timezone: Asia/Jakarta
file:
  paths: ["*.jsonl"]
  fields:
    id: post_id
    body: text
    author: author.name
    posted: created
    url: url
    contacts: links
    meta: {network: platform}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, Config{}, "", s)
	st := r.once(t, s)
	ads := byPostID(r.pub.got())
	if len(ads) != 2 {
		t.Fatalf("got %d ads, want 2\nlogs:\n%s", len(ads), r.logs)
	}
	fb := ads["fb-100200300"]
	if fb.Author != "Lowongan Kerja Kamboja" || fb.Platform != "import" || fb.Meta["network"] != "facebook" ||
		fb.Contacts[0] != "https://wa.me/6281234567890" || fb.URL != "https://www.facebook.com/groups/123/posts/100200300" {
		t.Errorf("fb post = %+v", fb)
	}
	// 2026-11-24 10:15 in Jakarta is 03:15 UTC.
	if !fb.PostedAt.Equal(time.Date(2026, 11, 24, 3, 15, 0, 0, time.UTC)) {
		t.Errorf("posted %v", fb.PostedAt)
	}
	// The cut-off line and the array are bad records; the post with no
	// text is reported, not sent.
	if r.errorsOf("social-export", ReasonBadRecord) != 2 || r.errorsOf("social-export", ReasonEmpty) != 1 {
		t.Errorf("bad lines not counted (stats %+v); logs:\n%s", st, r.logs)
	}
	if !strings.Contains(r.logs.String(), "line 3: not a JSON object") {
		t.Errorf("the bad line is not named; logs:\n%s", r.logs)
	}
	// The file is unchanged: the next pass does not read it again.
	r.pub.reset()
	if st := r.once(t, s); st.NotModified != 1 || len(r.pub.got()) != 0 {
		t.Errorf("unchanged file read again: %+v", st)
	}
}

func TestFileImportCSVOverHTTP(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /exports/posts.csv", serveFile(t, "file/posts-1252.csv", "text/csv"))
	srv, _ := serve(t, mux)
	s := mustSource(t, srv.URL, `
name: csv-export
kind: file
start_urls: ["{{base}}/exports/posts.csv"]
charset: windows-1252
allow_private: true
file:
  delimiter: ";"
  fields:
    id: Post ID
    body: message
    author: Author
    posted: Date
    contacts: Contacts
    location: Place
    meta: {network: Network}
`)
	r := newRig(t, Config{}, "", s)
	r.once(t, s)
	ads := byPostID(r.pub.got())
	if len(ads) != 2 {
		t.Fatalf("got %d ads, want 2\nlogs:\n%s", len(ads), r.logs)
	}
	x := ads["x-9902"]
	if x.Body != "Café staff wanted in Siem Reap, résumé to HR" || x.Location != "Siem Reap" {
		t.Errorf("windows-1252 not converted: %q", x.Body)
	}
	ig := ads["ig-5501"]
	if strings.Join(ig.Contacts, ",") != "@empleos_hr,https://t.me/empleos_hr" || ig.Meta["network"] != "instagram" {
		t.Errorf("contacts %q meta %v", ig.Contacts, ig.Meta)
	}
	if r.errorsOf("csv-export", ReasonEmpty) != 1 {
		t.Errorf("the row without a message went unreported; logs:\n%s", r.logs)
	}
}
