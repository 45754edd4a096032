package ad

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NewID derives an ad's stable id from the source's name and the source's
// own key for the ad: its post id when it has one, else its canonical URL.
// A re-crawl of the same ad therefore keeps its id, and two sources can
// never collide.
func NewID(source, key string) string {
	sum := sha256.Sum256([]byte(source + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

// CanonicalURL normalises a URL so that the same page reached by different
// links yields the same string: lower-case scheme and host, no default port,
// no fragment, no tracking parameters, query parameters sorted.
// A string that does not parse as a URL is returned trimmed.
func CanonicalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.TrimSpace(raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host += ":" + port
	}
	u.Host = host
	u.Fragment = ""
	u.RawFragment = ""
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	for k := range q {
		if isTrackingParam(k) {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	u.RawQuery = b.String()
	return u.String()
}

func isTrackingParam(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "fbclid", "gclid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src", "si":
		return true
	}
	return strings.HasPrefix(k, "utm_")
}

// ContentHash identifies what an ad says, ignoring case, spacing and where
// it was fetched from, so that the same text reposted elsewhere or re-crawled
// unchanged has the same hash, and an edited ad a different one.
func ContentHash(r *Raw) string {
	h := sha256.New()
	buf := make([]byte, 0, 512)
	for _, s := range []string{r.Title, r.Body, r.Location, r.Salary, r.Company} {
		buf = writeFolded(h, buf, s)
		h.Write([]byte{0})
	}
	contacts := make([]string, len(r.Contacts))
	for i, c := range r.Contacts {
		contacts[i] = strings.Join(strings.Fields(strings.ToLower(c)), " ")
	}
	sort.Strings(contacts)
	h.Write([]byte(strings.Join(contacts, "\x00")))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writeFolded writes s to w lower-cased, with every run of white space
// collapsed to one space and none at either end, through buf: crawlers hash
// every ad they see, so this avoids building the folded string.
func writeFolded(w io.Writer, buf []byte, s string) []byte {
	buf = buf[:0]
	started, space := false, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = started
			continue
		}
		started = true
		if space {
			buf = append(buf, ' ')
			space = false
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			buf = append(buf, byte(r))
		} else {
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
		if len(buf) >= 4096 {
			w.Write(buf)
			buf = buf[:0]
		}
	}
	w.Write(buf)
	return buf
}
