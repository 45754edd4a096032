package alert

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func TestWebhookSignsAndSorts(t *testing.T) {
	var got struct {
		body              []byte
		sig, ts, delivery string
	}
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.body, _ = io.ReadAll(r.Body)
		got.sig, got.ts, got.delivery = r.Header.Get(HeaderSignature), r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderDelivery)
		w.WriteHeader(status)
		io.WriteString(w, "answer body")
	}))
	defer srv.Close()
	t.Setenv("TEST_WEBHOOK_SECRET", "k3y")
	clock := newFakeClock()
	c := &WebhookConfig{URL: srv.URL, SecretEnv: "TEST_WEBHOOK_SECRET"}
	rc := &Receiver{Name: "office", Webhook: c}
	if err := rc.compile(); err != nil {
		t.Fatal(err)
	}
	ren, _ := newRenderer()
	w, err := newWebhook(c, rc, ren, &deps{client: &http.Client{}, clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	n := testNotification(newItem(flagged("w1", nil), "", clock.Now()))
	if retry, err := w.Notify(context.Background(), n); err != nil {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
	if got.ts != strconv.FormatInt(clock.Now().Unix(), 10) || got.delivery != "n-123" {
		t.Errorf("timestamp %q delivery %q", got.ts, got.delivery)
	}
	if !VerifySignature([]byte("k3y"), got.ts, got.body, got.sig) {
		t.Error("signature does not verify with the secret")
	}
	if VerifySignature([]byte("other"), got.ts, got.body, got.sig) || VerifySignature([]byte("k3y"), got.ts, append(got.body, ' '), got.sig) {
		t.Error("signature verifies with the wrong secret or body")
	}
	for _, c := range []struct {
		status int
		retry  bool
		reason string
	}{
		{http.StatusNoContent, false, ""},
		{http.StatusInternalServerError, true, ReasonStatus5xx},
		{http.StatusBadGateway, true, ReasonStatus5xx},
		{http.StatusTooManyRequests, true, ReasonStatus5xx},
		{http.StatusRequestTimeout, true, ReasonStatus5xx},
		{http.StatusBadRequest, false, ReasonStatus4xx},
		{http.StatusUnauthorized, false, ReasonStatus4xx},
	} {
		status = c.status
		retry, err := w.Notify(context.Background(), n)
		if retry != c.retry || (err == nil) != (c.reason == "") || (err != nil && reasonOf(err) != c.reason) {
			t.Errorf("status %d: retry=%v err=%v, want retry=%v reason=%q", c.status, retry, err, c.retry, c.reason)
		}
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	w.url = "http://" + ln.Addr().String()
	ln.Close()
	if retry, err := w.Notify(context.Background(), n); !retry || reasonOf(err) != ReasonConnection {
		t.Errorf("refused connection: retry=%v reason=%s", retry, reasonOf(err))
	}

	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // the server notices a closed connection only once the body is read
		<-r.Context().Done()
	}))
	defer hang.Close()
	w.url = hang.URL
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if retry, err := w.Notify(ctx, n); !retry || reasonOf(err) != ReasonTimeout {
		t.Errorf("hanging receiver: retry=%v reason=%s err=%v", retry, reasonOf(err), err)
	}
}
