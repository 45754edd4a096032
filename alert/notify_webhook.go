package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Headers of a webhook request. The signature is HMAC-SHA256, keyed with
// the receiver's secret, of the timestamp, a dot and the body, in hex after
// "sha256=". A receiver checks it (VerifySignature), refuses old
// timestamps, and drops a delivery id it has already seen: a notification
// keeps its id across retries.
const (
	HeaderSignature = "X-Lurewatch-Signature"
	HeaderTimestamp = "X-Lurewatch-Timestamp"
	HeaderDelivery  = "X-Lurewatch-Delivery"
)

// WebhookConfig posts notifications as signed JSON to an office's system.
type WebhookConfig struct {
	URL string `yaml:"url"`
	// SecretEnv names the environment variable holding the signing secret;
	// SecretFile is a file holding it. One of them is required.
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`
}

func (c *WebhookConfig) validate() error {
	if err := checkURL(c.URL); err != nil {
		return fmt.Errorf("webhook.url: %w", err)
	}
	if c.SecretEnv == "" && c.SecretFile == "" {
		return errors.New("webhook.secret_env: a webhook is signed; name the secret's environment variable (secret_env) or file (secret_file)")
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

// WebhookPayload is the JSON body of a webhook request.
type WebhookPayload struct {
	Version  int       `json:"version"`
	ID       string    `json:"id"`
	Receiver string    `json:"receiver"`
	Route    string    `json:"route"`
	Group    string    `json:"group,omitempty"`
	Digest   string    `json:"digest,omitempty"`
	Created  time.Time `json:"created"`
	Subject  string    `json:"subject"`
	Text     string    `json:"text"`
	Ads      []Item    `json:"ads"`
}

type webhookNotifier struct {
	url    string
	secret []byte
	rc     *Receiver
	r      *renderer
	client *http.Client
	clock  Clock
}

func newWebhook(c *WebhookConfig, rc *Receiver, r *renderer, d *deps) (*webhookNotifier, error) {
	s, err := secret("webhook.secret", c.SecretEnv, c.SecretFile)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, errors.New("webhook.secret: the secret is empty")
	}
	return &webhookNotifier{url: c.URL, secret: []byte(s), rc: rc, r: r, client: d.client, clock: d.clock}, nil
}

func (w *webhookNotifier) Notify(ctx context.Context, n *Notification) (bool, error) {
	msg, err := w.r.render(n, w.rc)
	if err != nil {
		return false, err
	}
	body, err := json.Marshal(WebhookPayload{
		Version: 1, ID: n.ID, Receiver: n.Receiver, Route: n.Route, Group: n.Group, Digest: n.Digest,
		Created: n.Created, Subject: msg.Subject, Text: msg.Text, Ads: n.Items,
	})
	if err != nil {
		return false, failure(ReasonRender, err)
	}
	ts := strconv.FormatInt(w.clock.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return false, failure(ReasonOther, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lurewatch-alerts/1")
	req.Header.Set(HeaderDelivery, n.ID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(w.secret, ts, body))
	return postJSON(w.client, req, req.URL.Redacted())
}

// postJSON sends req and sorts the answer: 2xx is done; a timeout, a
// broken connection, 408, 425, 429 and 5xx are worth retrying; any other
// answer is a refusal that retrying the same request cannot cure.
func postJSON(client *http.Client, req *http.Request, name string) (bool, error) {
	resp, err := client.Do(req)
	if err != nil {
		return true, failure(reasonOf(err), fmt.Errorf("post to %s: %w", name, urlFree(err)))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return false, nil
	case c == http.StatusRequestTimeout || c == http.StatusTooEarly || c == http.StatusTooManyRequests || c >= 500:
		return true, failure(ReasonStatus5xx, fmt.Errorf("%s answered %s: %s", name, resp.Status, bytes.TrimSpace(snippet)))
	default:
		return false, failure(ReasonStatus4xx, fmt.Errorf("%s answered %s: %s", name, resp.Status, bytes.TrimSpace(snippet)))
	}
}

// urlFree drops the URL that net/http puts in its errors: a chat
// webhook's URL is a secret and must not reach the log.
func urlFree(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Sign returns the signature header of a webhook body sent at timestamp
// (Unix seconds, as in HeaderTimestamp).
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether signature is the signature of body at
// timestamp under secret, in constant time.
func VerifySignature(secret []byte, timestamp string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}
