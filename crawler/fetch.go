package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

// Page is one fetched document, its body converted to UTF-8.
type Page struct {
	// URL is where the body came from, after redirects.
	URL         string
	Status      int
	ContentType string
	Body        []byte
	// Charset names the encoding the body was converted from.
	Charset string
	// Replaced is set when bytes invalid in that charset were replaced by
	// U+FFFD.
	Replaced bool
	// NotModified is set when the server answered 304 to a conditional
	// request: Body is empty and the page is as it was.
	NotModified bool
	// Validators are the ETag and Last-Modified to send next time.
	Validators Validators
	// Item is set when the page is a single ad's page rather than a list.
	Item bool
}

// Validators make a GET conditional.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// fetcher does single HTTP requests; politeness, robots.txt and retries are
// the crawler's business around it.
type fetcher struct {
	cfg   *Config
	clock Clock
	// strict applies the SSRF guard; open is for sources that set
	// allow_private. They keep separate connection pools so that a
	// connection opened for one is never reused by the other.
	strict, open *http.Client
}

func newFetcher(cfg *Config, clock Clock, g guard) *fetcher {
	return &fetcher{cfg: cfg, clock: clock, strict: newClient(cfg, &g), open: newClient(cfg, nil)}
}

func newClient(cfg *Config, g *guard) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would be dialled instead of the host and defeat the guard
		DialContext:           newDialer(g).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: cfg.Timeout,
		// The body is decompressed by readBody, under a size cap, rather
		// than by the transport, which would not bound it.
		DisableCompression: true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   cfg.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > cfg.MaxRedirects {
				return fmt.Errorf("%w (%d, last to %s)", ErrTooManyRedirects, cfg.MaxRedirects, req.URL)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s: %w", req.URL, ErrScheme)
			}
			return nil
		},
	}
}

// close drops idle connections.
func (f *fetcher) close() {
	f.strict.CloseIdleConnections()
	f.open.CloseIdleConnections()
}

// fetchOptions shape one request.
type fetchOptions struct {
	allowPrivate bool
	accept       string
	charset      string // the source's override, if any
	limit        int64  // body cap; cfg.MaxBodyBytes when zero
	cond         Validators
}

// get makes one GET. A 429, a 5xx or a transport failure comes back as a
// *retryable error; everything else is final.
func (f *fetcher) get(ctx context.Context, rawURL string, o fetchOptions) (*Page, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if u.Scheme == "file" {
		return f.readFile(u, o)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("GET %s: %w", rawURL, ErrScheme)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept-Encoding", "gzip")
	if o.accept != "" {
		req.Header.Set("Accept", o.accept)
	}
	if o.cond.ETag != "" {
		req.Header.Set("If-None-Match", o.cond.ETag)
	}
	if o.cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", o.cond.LastModified)
	}
	client := f.strict
	if o.allowPrivate {
		client = f.open
	}
	resp, err := client.Do(req)
	if err != nil {
		err = fmt.Errorf("GET %s: %w", rawURL, err)
		if isTransient(err) && !errors.Is(err, ErrPrivateAddress) && !errors.Is(err, ErrTooManyRedirects) {
			return nil, &retryable{err: err}
		}
		return nil, err
	}
	defer resp.Body.Close()
	p := &Page{URL: resp.Request.URL.String(), Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		p.NotModified = true
		p.Validators = o.cond
		return p, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return nil, &retryable{
			err:   fmt.Errorf("GET %s: %w: %s", rawURL, ErrStatus, resp.Status),
			after: parseRetryAfter(resp.Header.Get("Retry-After"), f.clock.Now()),
		}
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("GET %s: %w: %s", rawURL, ErrStatus, resp.Status)
	}
	limit := o.limit
	if limit == 0 {
		limit = f.cfg.MaxBodyBytes
	}
	body, err := readBody(resp.Body, resp.Header.Get("Content-Encoding"), limit)
	if err != nil {
		err = fmt.Errorf("GET %s: %w", rawURL, err)
		if isTransient(err) {
			return nil, &retryable{err: err}
		}
		return nil, err
	}
	p.Validators = Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	p.Body, p.Charset, p.Replaced = toUTF8(body, p.ContentType, o.charset)
	return p, nil
}

// readBody reads at most limit bytes as sent and, for a gzip body, at most
// limit bytes once decompressed: a gzip bomb stops at the cap.
func readBody(r io.Reader, contentEncoding string, limit int64) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	switch strings.ToLower(strings.TrimSpace(contentEncoding)) {
	case "", "identity":
		return raw, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%w: gzip body: %v", errParse, err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return nil, fmt.Errorf("%w: gzip body: %v", errParse, err)
		}
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("%w: decompresses to more than %d bytes (%d sent)", ErrTooLarge, limit, len(raw))
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%w: content encoding %q was not asked for", errParse, contentEncoding)
	}
}

// readFile reads a local import file. Its size and modification time stand
// in for an ETag, so an unchanged file is not read again.
func (f *fetcher) readFile(u *url.URL, o fetchOptions) (*Page, error) {
	path := u.Path
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	v := Validators{ETag: fmt.Sprintf("%d-%d", fi.Size(), fi.ModTime().UnixNano())}
	p := &Page{URL: u.String(), Status: http.StatusOK, Validators: v}
	if o.cond.ETag == v.ETag {
		p.NotModified = true
		return p, nil
	}
	limit := f.cfg.MaxFileBytes
	if fi.Size() > limit {
		return nil, fmt.Errorf("read %s: %w: %d bytes, max_file_bytes is %d", path, ErrTooLarge, fi.Size(), limit)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	p.Body, p.Charset, p.Replaced = toUTF8(data, "", o.charset)
	return p, nil
}

var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// toUTF8 converts body to UTF-8. The charset is, in order: the source's
// override, a byte-order mark, the Content-Type header, an XML declaration,
// an HTML meta tag; with none of those, UTF-8 if the bytes are valid UTF-8,
// else Windows-1252 as browsers do. Invalid bytes become U+FFFD, and
// replaced says so.
func toUTF8(body []byte, contentType, override string) (out []byte, name string, replaced bool) {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if override != "" {
		if e, n := charset.Lookup(override); e != nil {
			enc, name, certain = e, n, true
		}
	}
	if !certain {
		head := body[:min(len(body), 256)]
		if m := xmlDecl.FindSubmatch(head); m != nil {
			if e, n := charset.Lookup(string(m[1])); e != nil {
				enc, name, certain = e, n, true
			}
		}
	}
	if !certain && name == "windows-1252" && utf8.Valid(body) {
		name = "utf-8"
	}
	if name == "utf-8" {
		body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
		if utf8.Valid(body) {
			return body, name, false
		}
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), name, true
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), name, true
	}
	return out, name, bytes.ContainsRune(out, utf8.RuneError)
}

// mediaType is the lower-case media type of a Content-Type header.
func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return mt
}

// lookupCharset finds an encoding by any of its WHATWG labels ("tis-620",
// "gbk", "big5", "windows-1258", ...).
func lookupCharset(label string) (encoding.Encoding, string) { return charset.Lookup(label) }
