package alert

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strings"
	"time"
)

// EmailConfig sends notifications by SMTP, as a plain-text and an HTML
// body in the receiver's language.
type EmailConfig struct {
	// SMTP is the relay's host:port, e.g. smtp.example.org:587.
	SMTP string   `yaml:"smtp"`
	From string   `yaml:"from"`
	To   []string `yaml:"to"`
	// TLS is starttls (the default: the relay must offer STARTTLS), tls
	// (TLS from the first byte, port 465) or none (a relay on loopback
	// only; no credentials are sent).
	TLS string `yaml:"tls"`
	// CAFile is a PEM bundle to trust instead of the system's roots.
	CAFile string `yaml:"ca_file"`
	// Username, with the password from PasswordEnv or PasswordFile, logs in
	// with AUTH PLAIN once the connection is encrypted.
	Username     string `yaml:"username"`
	PasswordEnv  string `yaml:"password_env"`
	PasswordFile string `yaml:"password_file"`
}

func (c *EmailConfig) validate() error {
	host, _, err := net.SplitHostPort(c.SMTP)
	if err != nil || host == "" {
		return fmt.Errorf("email.smtp: %q is not host:port", c.SMTP)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("email.from: %q is not an address: %v", c.From, err)
	}
	if len(c.To) == 0 {
		return errors.New("email.to: needs at least one address")
	}
	for i, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("email.to[%d]: %q is not an address: %v", i, to, err)
		}
	}
	switch c.TLS {
	case "":
		c.TLS = "starttls"
	case "starttls", "tls":
	case "none":
		if c.Username != "" {
			return errors.New("email.username: credentials are never sent without TLS; set tls to starttls or tls")
		}
	default:
		return fmt.Errorf("email.tls: %q is not starttls, tls or none", c.TLS)
	}
	if c.Username != "" && c.PasswordEnv == "" && c.PasswordFile == "" {
		return errors.New("email.password_env: a username needs password_env or password_file")
	}
	return nil
}

type emailNotifier struct {
	cfg      EmailConfig
	host     string
	password string
	tls      *tls.Config
	rc       *Receiver
	r        *renderer
	clock    Clock
}

func newEmail(c *EmailConfig, rc *Receiver, r *renderer, d *deps) (*emailNotifier, error) {
	host, _, _ := net.SplitHostPort(c.SMTP)
	e := &emailNotifier{cfg: *c, host: host, rc: rc, r: r, clock: d.clock, tls: &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}}
	if c.Username != "" {
		p, err := secret("email.password", c.PasswordEnv, c.PasswordFile)
		if err != nil {
			return nil, err
		}
		e.password = p
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("email.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("email.ca_file: %s holds no PEM certificate", c.CAFile)
		}
		e.tls.RootCAs = pool
	}
	return e, nil
}

func (e *emailNotifier) Notify(ctx context.Context, n *Notification) (bool, error) {
	msg, err := e.r.render(n, e.rc)
	if err != nil {
		return false, err
	}
	body, err := e.compose(n, msg)
	if err != nil {
		return false, failure(ReasonRender, err)
	}
	return e.send(ctx, body)
}

// send runs one SMTP session. Errors are sorted: 4xx replies and broken
// connections are worth retrying, 5xx replies and a relay that will not
// encrypt or accept the credentials are not.
func (e *emailNotifier) send(ctx context.Context, body []byte) (bool, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.cfg.SMTP)
	if err != nil {
		return true, failure(reasonOf(err), fmt.Errorf("connect to %s: %w", e.cfg.SMTP, err))
	}
	// net/smtp takes no context: the deadline and cancellation reach it
	// through the connection.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if e.cfg.TLS == "tls" {
		conn = tls.Client(conn, e.tls)
	}
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		conn.Close()
		return smtpErr(ctx, "greeting", err)
	}
	defer c.Close()
	if err := c.Hello("lurewatch.localhost"); err != nil {
		return smtpErr(ctx, "EHLO", err)
	}
	if e.cfg.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return false, failure(ReasonTLS, fmt.Errorf("%s does not offer STARTTLS; refusing to send in clear text", e.cfg.SMTP))
		}
		if err := c.StartTLS(e.tls); err != nil {
			return false, failure(ReasonTLS, fmt.Errorf("STARTTLS with %s: %w", e.cfg.SMTP, err))
		}
	}
	if e.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.cfg.Username, e.password, e.host)); err != nil {
			var tpe *textproto.Error
			if errors.As(err, &tpe) && tpe.Code >= 400 && tpe.Code < 500 {
				return smtpErr(ctx, "AUTH", err)
			}
			return false, failure(ReasonAuth, fmt.Errorf("AUTH as %s at %s: %w", e.cfg.Username, e.cfg.SMTP, err))
		}
	}
	from, _ := mail.ParseAddress(e.cfg.From)
	if err := c.Mail(from.Address); err != nil {
		return smtpErr(ctx, "MAIL FROM", err)
	}
	for _, to := range e.cfg.To {
		a, _ := mail.ParseAddress(to)
		if err := c.Rcpt(a.Address); err != nil {
			return smtpErr(ctx, "RCPT TO "+a.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return smtpErr(ctx, "DATA", err)
	}
	if _, err := w.Write(body); err != nil {
		return smtpErr(ctx, "DATA", err)
	}
	if err := w.Close(); err != nil {
		return smtpErr(ctx, "end of DATA", err)
	}
	// The relay has the message once DATA is accepted; a failed QUIT
	// changes nothing.
	_ = c.Quit()
	return false, nil
}

func smtpErr(ctx context.Context, step string, err error) (bool, error) {
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		if tpe.Code >= 500 {
			return false, failure(ReasonSMTPPerm, fmt.Errorf("%s: %w", step, err))
		}
		return true, failure(ReasonSMTPTemp, fmt.Errorf("%s: %w", step, err))
	}
	if ctx.Err() != nil {
		return true, failure(ReasonTimeout, fmt.Errorf("%s: %w", step, ctx.Err()))
	}
	return true, failure(reasonOf(err), fmt.Errorf("%s: %w", step, err))
}

// compose writes the message: headers, then a multipart/alternative body
// with the plain text first and the HTML second, both quoted-printable.
// The Message-ID comes from the notification's id, so a relay or a mail
// client can spot a retried copy.
func (e *emailNotifier) compose(n *Notification, msg *Message) ([]byte, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", e.cfg.From)
	h("To", strings.Join(e.cfg.To, ", "))
	h("Subject", mime.QEncoding.Encode("utf-8", msg.Subject))
	h("Date", n.Created.In(e.rc.Location()).Format(time.RFC1123Z))
	h("Message-ID", "<"+n.ID+"@lurewatch>")
	h("MIME-Version", "1.0")
	h("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	h("Auto-Submitted", "auto-generated")
	h("X-Lurewatch-Notification", n.ID)
	h("Content-Language", langOf(e.rc.Language))
	b.WriteString("\r\n")
	for _, part := range []struct{ ctype, body string }{
		{"text/plain; charset=utf-8", msg.Text},
		{"text/html; charset=utf-8", msg.HTML},
	} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
