package alert

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server in the test: STARTTLS with a
// certificate made for the test, AUTH PLAIN, and a mailbox.
type smtpServer struct {
	addr   string
	caFile string
	srv    *smtp.Server

	mu       sync.Mutex
	failWith *smtp.SMTPError // answer to DATA, when set
	mails    []receivedMail
	authed   []string
}

type receivedMail struct {
	from string
	to   []string
	tls  bool
	data []byte
}

func startSMTP(t *testing.T, offerTLS bool) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	cert, caPEM := selfSigned(t)
	s.caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(s.caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s, c: c}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 30*time.Second, 30*time.Second
	if offerTLS {
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	} else {
		s.srv.AllowInsecureAuth = true
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

type smtpSession struct {
	s    *smtpServer
	c    *smtp.Conn
	user string
	m    receivedMail
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "lurewatch" || pass != "smtp-pass" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid credentials"}
		}
		x.user = user
		return nil
	}), nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if x.user == "" {
		return smtp.ErrAuthRequired
	}
	_, isTLS := x.c.TLSConnectionState()
	x.m = receivedMail{from: from, tls: isTLS}
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.m.to = append(x.m.to, to)
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.failWith != nil {
		return x.s.failWith
	}
	x.m.data = b
	x.s.mails = append(x.s.mails, x.m)
	return nil
}

func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }

func (s *smtpServer) received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.mails...)
}

func selfSigned(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	return cert, certPEM
}

func emailNotifierFor(t *testing.T, s *smtpServer, lang string) *emailNotifier {
	t.Helper()
	t.Setenv("TEST_SMTP_PASSWORD", "smtp-pass")
	c := &EmailConfig{SMTP: s.addr, From: "lurewatch <alerts@lurewatch.test>", To: []string{"desk@office.test", "duty@office.test"},
		CAFile: s.caFile, Username: "lurewatch", PasswordEnv: "TEST_SMTP_PASSWORD"}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	rc := &Receiver{Name: "kbri", Language: lang, Timezone: "Asia/Jakarta", Email: c}
	if err := rc.compile(); err != nil {
		t.Fatal(err)
	}
	ren, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	n, err := newEmail(c, rc, ren, &deps{clock: newFakeClock()})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testNotification(items ...Item) *Notification {
	return &Notification{ID: "n-123", Receiver: "kbri", Integration: "email", Route: "indonesia", Created: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Items: items}
}

func TestEmailOverSTARTTLSWithAuth(t *testing.T) {
	s := startSMTP(t, true)
	n := emailNotifierFor(t, s, "id")
	it := newItem(flagged("e1", nil), "http://ui.test", time.Now())
	it.Title = `<script>alert(1)</script> Admin di Kamboja`
	retry, err := n.Notify(context.Background(), testNotification(it))
	if err != nil {
		t.Fatalf("Notify: retry=%v err=%v", retry, err)
	}
	mails := s.received()
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	m := mails[0]
	if !m.tls || m.from != "alerts@lurewatch.test" || strings.Join(m.to, ",") != "desk@office.test,duty@office.test" {
		t.Errorf("envelope: tls=%v from=%s to=%v", m.tls, m.from, m.to)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(m.data)))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subj != "[lurewatch] 1 iklan lowongan kerja mencurigakan baru" {
		t.Errorf("subject %q", subj)
	}
	if msg.Header.Get("Message-Id") != "<n-123@lurewatch>" {
		t.Errorf("Message-ID %q", msg.Header.Get("Message-Id"))
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", mt, err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = string(b)
	}
	if !containsAll(parts["text/plain"], "Alasan ditandai", "Buka di lurewatch: http://ui.test/ads/e1", "<script>") {
		t.Errorf("plain text part:\n%s", parts["text/plain"])
	}
	html := parts["text/html"]
	if !containsAll(html, `lang="id"`, "&lt;script&gt;alert(1)&lt;/script&gt;", `<a href="http://ui.test/ads/e1">Buka di lurewatch</a>`, "<mark>Sihanoukville</mark>") || strings.Contains(html, "<script>") {
		t.Errorf("HTML part does not escape or link:\n%s", html)
	}
}

func TestEmailFailures(t *testing.T) {
	it := newItem(flagged("e2", nil), "", time.Now())
	t.Run("temporary reply is retried", func(t *testing.T) {
		s := startSMTP(t, true)
		s.failWith = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		retry, err := emailNotifierFor(t, s, "en").Notify(context.Background(), testNotification(it))
		if !retry || reasonOf(err) != ReasonSMTPTemp {
			t.Errorf("retry=%v reason=%s err=%v", retry, reasonOf(err), err)
		}
	})
	t.Run("permanent reply is not", func(t *testing.T) {
		s := startSMTP(t, true)
		s.failWith = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
		retry, err := emailNotifierFor(t, s, "en").Notify(context.Background(), testNotification(it))
		if retry || reasonOf(err) != ReasonSMTPPerm {
			t.Errorf("retry=%v reason=%s err=%v", retry, reasonOf(err), err)
		}
	})
	t.Run("no STARTTLS: nothing sent in clear text", func(t *testing.T) {
		s := startSMTP(t, false)
		retry, err := emailNotifierFor(t, s, "en").Notify(context.Background(), testNotification(it))
		if retry || reasonOf(err) != ReasonTLS || len(s.received()) != 0 {
			t.Errorf("retry=%v reason=%s err=%v mails=%d", retry, reasonOf(err), err, len(s.received()))
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		s := startSMTP(t, true)
		n := emailNotifierFor(t, s, "en")
		n.password = "wrong"
		retry, err := n.Notify(context.Background(), testNotification(it))
		if retry || reasonOf(err) != ReasonAuth {
			t.Errorf("retry=%v reason=%s err=%v", retry, reasonOf(err), err)
		}
	})
	t.Run("certificate not trusted", func(t *testing.T) {
		s := startSMTP(t, true)
		n := emailNotifierFor(t, s, "en")
		n.tls.RootCAs = x509.NewCertPool()
		_, err := n.Notify(context.Background(), testNotification(it))
		if reasonOf(err) != ReasonTLS || len(s.received()) != 0 {
			t.Errorf("reason=%s err=%v", reasonOf(err), err)
		}
	})
	t.Run("server down is retried", func(t *testing.T) {
		s := startSMTP(t, true)
		n := emailNotifierFor(t, s, "en")
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		n.cfg.SMTP = ln.Addr().String()
		ln.Close() // nothing listens there now
		retry, err := n.Notify(context.Background(), testNotification(it))
		if !retry || reasonOf(err) != ReasonConnection {
			t.Errorf("retry=%v reason=%s err=%v", retry, reasonOf(err), err)
		}
	})
}
