package alert

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // receivers name IANA zones; the binary must not depend on the host's zoneinfo
)

// Receiver is one office that gets alerts, and how to reach it: any of a
// signed webhook, email, a Slack- or Mattermost-compatible chat webhook and
// a file. Each one set is a separate integration with its own outbox queue
// and retries.
type Receiver struct {
	Name string `yaml:"name"`
	// Language picks the message templates ("en", "id", "vi", "tl", "th");
	// a language without templates falls back to English.
	Language string `yaml:"language"`
	// Timezone is the office's IANA zone, for quiet hours and daily digests.
	Timezone string `yaml:"timezone"`
	// QuietHours holds notifications back during the office's night; they
	// go out together when the quiet hours end.
	QuietHours *QuietHours `yaml:"quiet_hours"`

	Webhook *WebhookConfig `yaml:"webhook"`
	Email   *EmailConfig   `yaml:"email"`
	Slack   *SlackConfig   `yaml:"slack"`
	File    *FileConfig    `yaml:"file"`

	loc *time.Location
}

// QuietHours is a daily window, in the receiver's time zone, when nothing
// is sent. Start after End spans midnight ("22:00" to "07:00").
type QuietHours struct {
	Start string `yaml:"start"`
	End   string `yaml:"end"`

	start, end int // minutes after midnight
}

func (rc *Receiver) compile() error {
	if rc.Name == "" {
		return errors.New("name: is required")
	}
	if strings.ContainsAny(rc.Name, "/\x00 ") {
		return fmt.Errorf("name: %q may not hold spaces or '/'", rc.Name)
	}
	if rc.Language == "" {
		rc.Language = "en"
	}
	if rc.Timezone == "" {
		rc.Timezone = "UTC"
	}
	loc, err := time.LoadLocation(rc.Timezone)
	if err != nil {
		return fmt.Errorf("timezone: %q is not an IANA time zone such as Asia/Jakarta", rc.Timezone)
	}
	rc.loc = loc
	if q := rc.QuietHours; q != nil {
		if q.start, err = parseClock(q.Start); err != nil {
			return fmt.Errorf("quiet_hours.start: %w", err)
		}
		if q.end, err = parseClock(q.End); err != nil {
			return fmt.Errorf("quiet_hours.end: %w", err)
		}
		if q.start == q.end {
			return errors.New("quiet_hours: start and end are the same time")
		}
	}
	var checks []func() error
	if rc.Webhook != nil {
		checks = append(checks, rc.Webhook.validate)
	}
	if rc.Email != nil {
		checks = append(checks, rc.Email.validate)
	}
	if rc.Slack != nil {
		checks = append(checks, rc.Slack.validate)
	}
	if rc.File != nil {
		checks = append(checks, rc.File.validate)
	}
	if len(checks) == 0 {
		return fmt.Errorf("receiver %s: needs at least one of webhook, email, slack, file", rc.Name)
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// Integrations lists the kinds of notifier the receiver has, in a fixed
// order: webhook, email, slack, file.
func (rc *Receiver) Integrations() []string {
	var out []string
	if rc.Webhook != nil {
		out = append(out, "webhook")
	}
	if rc.Email != nil {
		out = append(out, "email")
	}
	if rc.Slack != nil {
		out = append(out, "slack")
	}
	if rc.File != nil {
		out = append(out, "file")
	}
	return out
}

// Location is the receiver's time zone.
func (rc *Receiver) Location() *time.Location {
	if rc.loc == nil {
		return time.UTC
	}
	return rc.loc
}

// quietUntil returns when the quiet hours that hold t end, or the zero time
// when t is not in quiet hours.
func (rc *Receiver) quietUntil(t time.Time) time.Time {
	q := rc.QuietHours
	if q == nil {
		return time.Time{}
	}
	lt := t.In(rc.Location())
	m := lt.Hour()*60 + lt.Minute()
	in := false
	if q.start < q.end {
		in = m >= q.start && m < q.end
	} else {
		in = m >= q.start || m < q.end
	}
	if !in {
		return time.Time{}
	}
	end := atMinute(lt, q.end)
	if !end.After(lt) {
		end = atMinute(lt.AddDate(0, 0, 1), q.end)
	}
	return end
}

// atMinute is the instant of the day of t, in t's zone, m minutes after
// midnight. Days with a daylight-saving jump resolve as time.Date does.
func atMinute(t time.Time, m int) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), m/60, m%60, 0, 0, t.Location())
}

// parseClock reads "HH:MM" as minutes after midnight.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time of day such as 07:30", s)
	}
	return hh*60 + mm, nil
}

// secret reads a secret from the environment variable env, else from file;
// secrets never sit in the YAML. key names the setting for the error.
func secret(key, env, file string) (string, error) {
	if env != "" {
		if v, ok := os.LookupEnv(env); ok && v != "" {
			return v, nil
		}
		if file == "" {
			return "", fmt.Errorf("%s_env: environment variable %s is not set", key, env)
		}
	}
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_file: %w", key, err)
	}
	return strings.TrimSpace(string(b)), nil
}
