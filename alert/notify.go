package alert

import (
	"context"
	"errors"
	"net"
	"time"
)

// Notifier delivers one notification through one integration of a
// receiver. It says whether trying again later could help; it never retries
// by itself: the outbox does, with backoff, across restarts.
type Notifier interface {
	Notify(ctx context.Context, n *Notification) (retry bool, err error)
}

// Notification is one message to one integration of a receiver: the ads of
// one group, or a digest. It is written to the outbox before the Kafka
// offsets of its ads are committed, and its ID stays the same across every
// attempt, so a receiver can drop a repeat it already has.
type Notification struct {
	ID          string    `json:"id"`
	Receiver    string    `json:"receiver"`
	Integration string    `json:"integration"`
	Route       string    `json:"route"`
	Group       string    `json:"group,omitempty"`
	Digest      string    `json:"digest,omitempty"`
	Created     time.Time `json:"created"`
	Items       []Item    `json:"items"`
}

// Failure reasons of a delivery, a fixed set for metrics.
const (
	ReasonConnection = "connection" // could not connect, or the connection broke
	ReasonTimeout    = "timeout"    // the attempt ran past send_timeout
	ReasonStatus4xx  = "status_4xx" // the receiver refused the request
	ReasonStatus5xx  = "status_5xx" // the receiver failed, or asked to slow down
	ReasonSMTPTemp   = "smtp_temporary"
	ReasonSMTPPerm   = "smtp_permanent"
	ReasonTLS        = "tls"    // STARTTLS missing or the certificate refused
	ReasonAuth       = "auth"   // credentials refused
	ReasonRender     = "render" // the message could not be built
	ReasonWrite      = "write"  // the file notifier could not write
	ReasonOther      = "other"
)

// sendError carries a failure's reason for metrics and logs.
type sendError struct {
	reason string
	err    error
}

func (e *sendError) Error() string { return e.reason + ": " + e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

func failure(reason string, err error) error { return &sendError{reason: reason, err: err} }

// reasonOf names why a delivery failed.
func reasonOf(err error) string {
	var se *sendError
	if errors.As(err, &se) {
		return se.reason
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ReasonTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return ReasonTimeout
		}
		return ReasonConnection
	}
	return ReasonOther
}
