package crawler

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// robots is the part of one robots.txt (RFC 9309) that applies to this
// crawler.
type robots struct {
	rules []robotsRule
	// delay is the group's Crawl-delay, a common extension; zero if none.
	delay time.Duration
	// all overrides the rules: allow everything (no robots.txt, a 4xx) or
	// nothing (a 5xx or an unreachable server, which RFC 9309 says to treat
	// as a complete disallow).
	all *bool
}

type robotsRule struct {
	allow   bool
	pattern string
}

var (
	allowAll    = &robots{all: ptr(true)}
	disallowAll = &robots{all: ptr(false)}
)

func ptr[T any](v T) *T { return &v }

// parseRobots reads a robots.txt for the crawler whose product token is
// agent ("lurewatch"). The groups naming the agent apply; if none does,
// the groups for "*". Lines it does not understand are skipped, as the RFC
// asks.
func parseRobots(data []byte, agent string) *robots {
	agent = strings.ToLower(agent)
	type group struct {
		agents []string
		rules  []robotsRule
		delay  time.Duration
	}
	var groups []*group
	var cur *group
	inAgents := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent":
			if !inAgents {
				cur = &group{}
				groups = append(groups, cur)
				inAgents = true
			}
			cur.agents = append(cur.agents, strings.ToLower(value))
		case "allow", "disallow":
			inAgents = false
			if cur == nil || value == "" {
				continue // an empty Disallow allows all, which is the default
			}
			cur.rules = append(cur.rules, robotsRule{allow: key == "allow", pattern: value})
		case "crawl-delay":
			inAgents = false
			if cur == nil {
				continue
			}
			if secs, err := strconv.ParseFloat(value, 64); err == nil && secs > 0 {
				cur.delay = time.Duration(min(secs, 3600) * float64(time.Second))
			}
		default:
			// Sitemap and unknown keys do not end the agent list.
		}
	}
	pick := func(match func(string) bool) *robots {
		var r *robots
		for _, g := range groups {
			for _, a := range g.agents {
				if match(a) {
					if r == nil {
						r = &robots{}
					}
					r.rules = append(r.rules, g.rules...)
					r.delay = max(r.delay, g.delay)
					break
				}
			}
		}
		return r
	}
	if r := pick(func(a string) bool { return a == agent }); r != nil {
		return r
	}
	if r := pick(func(a string) bool { return a == "*" }); r != nil {
		return r
	}
	return &robots{}
}

// allowed reports whether the path (with its query, as sent) may be
// fetched: the longest matching rule decides, allow winning a tie.
func (r *robots) allowed(path string) bool {
	if r.all != nil {
		return *r.all
	}
	if path == "" {
		path = "/"
	}
	best, allow := -1, true
	for _, rule := range r.rules {
		if !robotsMatch(rule.pattern, path) {
			continue
		}
		n := len(rule.pattern)
		if n > best || (n == best && rule.allow) {
			best, allow = n, rule.allow
		}
	}
	return allow
}

// robotsMatch matches a robots.txt path pattern, where * is any run of
// characters and a final $ anchors the end.
func robotsMatch(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	pos := len(parts[0])
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		if last && anchored {
			return strings.HasSuffix(path[pos:], p)
		}
		j := strings.Index(path[pos:], p)
		if j < 0 {
			return false
		}
		pos += j + len(p)
	}
	return !anchored || pos == len(path)
}

// productToken is the name a robots.txt calls this crawler by: the
// User-Agent up to its first slash or space.
func productToken(userAgent string) string {
	tok, _, _ := strings.Cut(userAgent, "/")
	tok, _, _ = strings.Cut(tok, " ")
	return tok
}

// robotsCache keeps each host's robots.txt for cfg.RobotsTTL.
type robotsCache struct {
	mu      sync.Mutex
	entries map[string]*robotsEntry
}

type robotsEntry struct {
	mu      sync.Mutex // one fetch of a host's robots.txt at a time
	r       *robots
	expires time.Time
}

func newRobotsCache() *robotsCache { return &robotsCache{entries: map[string]*robotsEntry{}} }

func (rc *robotsCache) entry(origin string) *robotsEntry {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[origin]
	if !ok {
		e = &robotsEntry{}
		rc.entries[origin] = e
	}
	return e
}

// maxRobotsBytes is what RFC 9309 asks a crawler to read at least.
const maxRobotsBytes = 500 << 10

// checkRobots returns ErrDisallowed when the host's robots.txt forbids u to
// this crawler, and raises the host's delay to its Crawl-delay.
func (c *Crawler) checkRobots(ctx context.Context, s *Source, u *url.URL) error {
	origin := u.Scheme + "://" + u.Host
	e := c.robots.entry(origin)
	e.mu.Lock()
	defer e.mu.Unlock()
	now := c.clock.Now()
	if e.r == nil || now.After(e.expires) {
		r, ttl, err := c.fetchRobots(ctx, s, origin)
		if err != nil {
			return err
		}
		e.r, e.expires = r, now.Add(ttl)
		if r.delay > 0 {
			c.hosts.raiseDelay(u.Host, r.delay)
		}
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !e.r.allowed(path) {
		return fmt.Errorf("GET %s: %w", u, ErrDisallowed)
	}
	return nil
}

// fetchRobots reads a host's robots.txt: a 4xx means no rules, a 5xx or an
// unreachable host means keep out for now (RFC 9309, 2.3.1). An SSRF
// refusal or a cancelled context is returned as an error.
func (c *Crawler) fetchRobots(ctx context.Context, s *Source, origin string) (*robots, time.Duration, error) {
	u, _ := url.Parse(origin + "/robots.txt")
	page, err := c.request(ctx, s, u, fetchOptions{allowPrivate: s.AllowPrivate, accept: "text/plain", limit: maxRobotsBytes})
	switch {
	case err == nil:
		return parseRobots(page.Body, productToken(c.cfg.UserAgent)), c.cfg.RobotsTTL, nil
	case ctx.Err() != nil:
		return nil, 0, ctx.Err()
	case errors.Is(err, ErrPrivateAddress):
		return nil, 0, err
	case errors.Is(err, ErrTooLarge):
		// Too big to read whole; RFC 9309 lets a crawler use what it read,
		// but readBody keeps nothing, so treat it as no rules of note.
		c.log.Warn("robots.txt over 500 KiB; treating as allow all", "source", s.Name, "url", u.String())
		return allowAll, c.cfg.RobotsTTL, nil
	case errors.Is(err, ErrStatus) && !isServerError(err):
		return allowAll, c.cfg.RobotsTTL, nil
	}
	c.log.Warn("robots.txt unreachable; keeping out of the host until it answers", "source", s.Name, "url", u.String(), "err", err)
	return disallowAll, min(c.cfg.RobotsTTL, 10*time.Minute), nil
}

// isServerError reports whether err is a 429 or 5xx status that outlasted
// its retries.
func isServerError(err error) bool {
	code, ok := statusOf(err)
	return ok && (code == "429" || strings.HasPrefix(code, "5"))
}
