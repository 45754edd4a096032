package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// Sentinel errors callers can act on. Every error of a fetch wraps one of
// them or a network error.
var (
	// ErrDisallowed means robots.txt forbids the URL to this crawler.
	ErrDisallowed = errors.New("disallowed by robots.txt")
	// ErrPrivateAddress means the host resolved to a loopback, private,
	// link-local, multicast or unspecified address, and the source does not
	// set allow_private.
	ErrPrivateAddress = errors.New("refusing a private or local address")
	// ErrTooLarge means the body, compressed or not, passed the size limit.
	ErrTooLarge = errors.New("page too large")
	// ErrTooManyRedirects means the redirect limit was reached (a loop, most
	// likely).
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrStatus means the server answered with a status that is not 200
	// (or 304 to a conditional request).
	ErrStatus = errors.New("unexpected HTTP status")
	// ErrScheme means the URL is not http or https (or file for imports).
	ErrScheme = errors.New("unsupported URL scheme")
)

// Reasons label lurewatch_crawler_errors_total. The set is fixed so that
// dashboards and alerts can rely on it.
const (
	ReasonFetch        = "fetch"       // network failure, timeout, connection refused
	ReasonStatus       = "http_status" // 4xx or 5xx after retries
	ReasonRobots       = "robots"      // robots.txt disallows
	ReasonPrivate      = "private_address"
	ReasonTooLarge     = "too_large"     // body or decompressed body over the cap
	ReasonRedirect     = "redirect"      // redirect cap reached
	ReasonParse        = "parse"         // a page that cannot be read as its kind
	ReasonEncoding     = "encoding"      // bytes that were not valid in the page's charset
	ReasonSelector     = "selector"      // a list selector matched nothing
	ReasonMissingField = "missing_field" // a configured field matched nothing
	ReasonBadDate      = "bad_date"      // a posted date that could not be read
	ReasonEmpty        = "empty"         // an item with neither title nor body: not sent
	ReasonInvalid      = "invalid"       // an ad that failed validation: not sent
	ReasonBadRecord    = "bad_record"    // an import line or JSON record that cannot be read
	ReasonPagination   = "pagination"    // page limit reached or a page loop
	ReasonPublish      = "publish"       // Kafka did not take the ads
	ReasonState        = "state"         // the crawl-state store failed
)

// Reasons lists every reason label, for tests and documentation.
var Reasons = []string{
	ReasonFetch, ReasonStatus, ReasonRobots, ReasonPrivate, ReasonTooLarge, ReasonRedirect,
	ReasonParse, ReasonEncoding, ReasonSelector, ReasonMissingField, ReasonBadDate, ReasonEmpty,
	ReasonInvalid, ReasonBadRecord, ReasonPagination, ReasonPublish, ReasonState,
}

// reasonOf maps a fetch error to its metric reason.
func reasonOf(err error) string {
	switch {
	case errors.Is(err, ErrDisallowed):
		return ReasonRobots
	case errors.Is(err, ErrPrivateAddress):
		return ReasonPrivate
	case errors.Is(err, ErrTooLarge):
		return ReasonTooLarge
	case errors.Is(err, ErrTooManyRedirects):
		return ReasonRedirect
	case errors.Is(err, ErrStatus):
		return ReasonStatus
	case errors.Is(err, errParse):
		return ReasonParse
	}
	return ReasonFetch
}

// errParse marks a page that could not be read as its kind (a feed that is
// not XML, JSON that does not parse).
var errParse = errors.New("cannot parse page")

// retryable marks an error worth another try: a 429, a 5xx, a timeout or a
// dropped connection. The callee decides; withRetry does the waiting.
type retryable struct {
	err error
	// after is the server's Retry-After, when it gave one.
	after time.Duration
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// isTransient reports whether a transport error is worth retrying.
func isTransient(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true // refused, reset, unreachable
	}
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)
}

// Problem is something wrong with a page or an item that did not stop the
// crawl: it is logged and counted under its reason.
type Problem struct {
	Reason string
	Msg    string
}

func problemf(reason, format string, args ...any) Problem {
	return Problem{Reason: reason, Msg: fmt.Sprintf(format, args...)}
}
