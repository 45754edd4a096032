// Package demo serves a small job board and a Telegram-style channel page on
// loopback, holding ads written for the project in ten languages, lures and
// ordinary jobs side by side, so that `lurewatch run --demo` shows the whole
// pipeline with no network.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"time"
)

//go:embed ads.json
var adsJSON []byte

// BoardAd is one ad on the demo job board.
type BoardAd struct {
	ID       string `json:"id"`
	Lang     string `json:"lang"`
	Title    string `json:"title"`
	Company  string `json:"company"`
	Location string `json:"location"`
	Salary   string `json:"salary"`
	Posted   string `json:"posted"`
	Body     string `json:"body"`
	Contact  string `json:"contact"`
}

// Post is one post on the demo channel.
type Post struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Views string `json:"views"`
	Lang  string `json:"lang"`
	Text  string `json:"text"`
}

// Content is everything the demo serves.
type Content struct {
	Board   []BoardAd `json:"board"`
	Channel []Post    `json:"channel"`
}

// Load returns the demo's ads.
func Load() (*Content, error) {
	var c Content
	if err := json.Unmarshal(adsJSON, &c); err != nil {
		return nil, fmt.Errorf("demo ads: %w", err)
	}
	return &c, nil
}

// pageSize is how many ads a board list page shows.
const pageSize = 8

// Server serves the demo sites.
type Server struct {
	content *Content
	srv     *http.Server
	ln      net.Listener
}

// Start serves the demo on addr ("127.0.0.1:0" picks a port).
func Start(addr string) (*Server, error) {
	c, err := Load()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo sites on %s: %w", addr, err)
	}
	s := &Server{content: c, ln: ln}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err)
		}
	}()
	return s, nil
}

// URL is the demo's base URL.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops serving.
func (s *Server) Close(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Handler serves the board at /board/, its ads at /board/ad/{id}, the
// channel at /s/{channel} and a robots.txt that allows all.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "User-agent: *\nAllow: /\n")
	})
	mux.HandleFunc("GET /board/", s.boardList)
	mux.HandleFunc("GET /board/ad/{id}", s.boardAd)
	mux.HandleFunc("GET /s/{channel}", s.channel)
	return mux
}

func (s *Server) boardList(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	from := (page - 1) * pageSize
	if from >= len(s.content.Board) {
		http.NotFound(w, r)
		return
	}
	to := min(from+pageSize, len(s.content.Board))
	next := 0
	if to < len(s.content.Board) {
		next = page + 1
	}
	render(w, listTmpl, map[string]any{"Ads": s.content.Board[from:to], "Page": page, "Next": next})
}

func (s *Server) boardAd(w http.ResponseWriter, r *http.Request) {
	for _, a := range s.content.Board {
		if a.ID == r.PathValue("id") {
			render(w, adTmpl, a)
			return
		}
	}
	http.NotFound(w, r)
}

func (s *Server) channel(w http.ResponseWriter, r *http.Request) {
	render(w, channelTmpl, map[string]any{"Channel": r.PathValue("channel"), "Posts": s.content.Channel})
}

func render(w http.ResponseWriter, t *template.Template, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := t.Execute(w, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

var listTmpl = template.Must(template.New("list").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Mekong Jobs - page {{.Page}}</title></head>
<body><h1>Mekong Jobs</h1>
<ul class="jobs">{{range .Ads}}
<li class="job"><a class="job-link" href="/board/ad/{{.ID}}">{{.Title}}</a> <span class="company">{{.Company}}</span> <span class="location">{{.Location}}</span></li>{{end}}
</ul>
{{if .Next}}<a class="next" href="/board/?page={{.Next}}">Next page</a>{{end}}
</body></html>`))

var adTmpl = template.Must(template.New("ad").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><article class="job-ad" data-id="{{.ID}}">
<h1 class="title">{{.Title}}</h1>
<div class="meta"><span class="company">{{.Company}}</span> · <span class="location">{{.Location}}</span> · <span class="salary">{{.Salary}}</span> · <time class="posted">{{.Posted}}</time></div>
<div class="description">{{.Body}}</div>
<div class="contact">{{.Contact}}</div>
</article></body></html>`))

var channelTmpl = template.Must(template.New("channel").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Channel}} – Telegram</title></head>
<body><section class="tgme_channel_history">{{range .Posts}}
<div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="{{$.Channel}}/{{.ID}}">
<div class="tgme_widget_message_text" dir="auto" lang="{{.Lang}}">{{.Text}}</div>
<div class="tgme_widget_message_footer"><span class="tgme_widget_message_views">{{.Views}}</span>
<a class="tgme_widget_message_date" href="https://t.me/{{$.Channel}}/{{.ID}}"><time datetime="{{.Date}}">{{.Date}}</time></a></div>
</div></div>{{end}}
</section></body></html>`))

// Sources returns the YAML of the two demo sources, pointed at base: the
// board as an html source, the channel as a telegram source reading the
// same preview markup as t.me/s/<channel>.
func Sources(base string) map[string][]byte {
	return map[string][]byte{
		"demo-board.yaml": []byte(`name: demo-board
kind: html
platform: jobboard
start_urls: [` + base + `/board/]
interval: 30s
timezone: Asia/Phnom_Penh
allow_private: true
max_pages: 10
delay: 50ms
list:
  item_links: a.job-link
  next_page: a.next
item:
  id: "article.job-ad@data-id"
  title: h1.title
  body: .description
  company: .company
  location: .location
  salary: .salary
  posted: .posted
  contact: .contact
`),
		"demo-channel.yaml": []byte(`name: demo-channel
kind: telegram
platform: telegram
interval: 30s
timezone: Asia/Phnom_Penh
allow_private: true
max_pages: 3
delay: 50ms
telegram:
  channel: mekong_jobs_demo
  base_url: ` + base + `
`),
	}
}
