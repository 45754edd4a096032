package web

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// credentials are who may log in (users with bcrypt hashes) and which API
// tokens are valid (by their SHA-256).
type credentials struct {
	users  map[string][]byte   // name -> bcrypt hash
	tokens map[string][32]byte // name -> sha256 of the token
	// dummy is compared against when the user is unknown, so that a wrong
	// name costs as long as a wrong password.
	dummy []byte
}

// loadCredentials reads the users and tokens the config names. A bad line
// is an error naming the file (or variable) and line.
func loadCredentials(cfg Config, getenv func(string) string) (*credentials, error) {
	dummy, err := bcrypt.GenerateFromPassword([]byte(randomString(12)), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	c := &credentials{users: map[string][]byte{}, tokens: map[string][32]byte{}, dummy: dummy}
	type src struct{ name, text string }
	read := func(file string) (src, error) {
		if file == "" {
			return src{}, nil
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return src{}, fmt.Errorf("read %s: %w", file, err)
		}
		return src{file, string(data)}, nil
	}
	users, err := read(cfg.UsersFile)
	if err != nil {
		return nil, err
	}
	tokens, err := read(cfg.TokensFile)
	if err != nil {
		return nil, err
	}
	for _, s := range []src{users, {"$" + cfg.UsersEnv, envLines(getenv(cfg.UsersEnv))}} {
		if err := eachLine(s.name, s.text, func(name, secret string) error {
			if _, err := bcrypt.Cost([]byte(secret)); err != nil {
				return fmt.Errorf("user %q: not a bcrypt hash (make one with `htpasswd -nB %s`)", name, name)
			}
			c.users[name] = []byte(secret)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	for _, s := range []src{tokens, {"$" + cfg.TokensEnv, envLines(getenv(cfg.TokensEnv))}} {
		if err := eachLine(s.name, s.text, func(name, secret string) error {
			h, ok := strings.CutPrefix(secret, "sha256:")
			sum, err := hex.DecodeString(h)
			if !ok || err != nil || len(sum) != sha256.Size {
				return fmt.Errorf("token %q: not sha256:<64 hex digits>", name)
			}
			c.tokens[name] = [32]byte(sum)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// envLines lets a variable hold several entries on one line, comma
// separated; a bcrypt hash holds no comma.
func envLines(s string) string { return strings.ReplaceAll(s, ",", "\n") }

func eachLine(source, text string, fn func(name, secret string) error) error {
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, secret, ok := strings.Cut(line, ":")
		if !ok || name == "" || secret == "" || strings.ContainsAny(name, " \t") {
			return fmt.Errorf("%s line %d: want name:secret", source, n)
		}
		if err := fn(name, secret); err != nil {
			return fmt.Errorf("%s line %d: %w", source, n, err)
		}
	}
	return nil
}

func (c *credentials) empty() bool { return len(c.users) == 0 && len(c.tokens) == 0 }

// checkPassword reports whether name may log in with password.
func (c *credentials) checkPassword(name, password string) bool {
	h, ok := c.users[name]
	if !ok {
		bcrypt.CompareHashAndPassword(c.dummy, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword(h, []byte(password)) == nil
}

// checkToken returns the name of the token, or "".
func (c *credentials) checkToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	found := ""
	for name, h := range c.tokens {
		if subtle.ConstantTimeCompare(sum[:], h[:]) == 1 {
			found = name
		}
	}
	return found
}

// GeneratedLogin is the admin login made at start when no user or token was
// configured, so that a first run (lurewatch run --demo) needs no setup.
type GeneratedLogin struct {
	User      string
	Password  string
	Token     string
	TokenFile string
}

// generate adds an admin user and an API token with random secrets, and
// writes the token to tokenFile (0600) for `lurewatch search`.
func (c *credentials) generate(tokenFile string) (*GeneratedLogin, error) {
	g := &GeneratedLogin{User: "admin", Password: randomString(12), Token: randomString(32), TokenFile: tokenFile}
	hash, err := bcrypt.GenerateFromPassword([]byte(g.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	c.users[g.User] = hash
	c.tokens["generated"] = sha256.Sum256([]byte(g.Token))
	if err := os.MkdirAll(filepath.Dir(tokenFile), 0o700); err != nil {
		return nil, fmt.Errorf("write the API token: %w", err)
	}
	tmp := tokenFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(g.Token+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write the API token: %w", err)
	}
	if err := os.Rename(tmp, tokenFile); err != nil {
		return nil, fmt.Errorf("write the API token: %w", err)
	}
	return g, nil
}

// randomString is n random bytes, base64url: a secret.
func randomString(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the platform is broken; no secret can be made
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// session is one logged-in browser.
type session struct {
	user    string
	csrf    string
	expires time.Time
}

// sessions are kept in memory: a restart logs everyone out, which suits
// one index process.
type sessions struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]*session
	now func() time.Time
}

const maxSessions = 10000

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, m: map[string]*session{}, now: time.Now}
}

func (s *sessions) create(user string) (string, *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if len(s.m) >= maxSessions {
		for id, ss := range s.m {
			if now.After(ss.expires) {
				delete(s.m, id)
			}
		}
	}
	if len(s.m) >= maxSessions { // still full: drop one at random
		for id := range s.m {
			delete(s.m, id)
			break
		}
	}
	id := randomString(32)
	ss := &session{user: user, csrf: randomString(24), expires: now.Add(s.ttl)}
	s.m[id] = ss
	return id, ss
}

func (s *sessions) get(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.m[id]
	if ss == nil {
		return nil
	}
	if s.now().After(ss.expires) {
		delete(s.m, id)
		return nil
	}
	return ss
}

func (s *sessions) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

const (
	sessionCookie = "lurewatch_session"
	csrfCookie    = "lurewatch_csrf"
)

// secure reports whether cookies set on this request get the Secure flag.
func (s *Server) secure(r *http.Request) bool {
	switch s.cfg.SecureCookies {
	case "always":
		return true
	case "never":
		return false
	}
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// who is the logged-in user of a request, and how they came in.
type who struct {
	user string
	via  string // session or token
	sess *session
}

// authenticate returns who made the request, from a bearer token or a
// session cookie, or nil.
func (s *Server) authenticate(r *http.Request) *who {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil
		}
		if name := s.creds.checkToken(strings.TrimSpace(tok)); name != "" {
			return &who{user: "token:" + name, via: "token"}
		}
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	if ss := s.sessions.get(c.Value); ss != nil {
		return &who{user: ss.user, via: "session", sess: ss}
	}
	return nil
}

var errBadCSRF = errors.New("the form is stale or was not sent by this site; reload the page and try again")

// checkCSRF checks a form post: the token in the form must equal the
// session's (or, before login, the cookie's), and a browser's Origin, when
// sent, must be this site.
func (s *Server) checkCSRF(r *http.Request, want string) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if !sameOrigin(o, r) {
			return errBadCSRF
		}
	}
	got := r.PostFormValue("csrf")
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errBadCSRF
	}
	return nil
}

func sameOrigin(origin string, r *http.Request) bool {
	_, host, ok := strings.Cut(origin, "://")
	return ok && strings.EqualFold(host, r.Host)
}
