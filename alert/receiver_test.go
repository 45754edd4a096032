package alert

import (
	"testing"
	"time"
)

func TestQuietHours(t *testing.T) {
	jakarta, _ := time.LoadLocation("Asia/Jakarta") // UTC+7
	rc := &Receiver{Name: "kbri", Timezone: "Asia/Jakarta", QuietHours: &QuietHours{Start: "22:00", End: "06:30"}, File: &FileConfig{Path: "x"}}
	if err := rc.compile(); err != nil {
		t.Fatal(err)
	}
	day := &Receiver{Name: "desk", Timezone: "Europe/Berlin", QuietHours: &QuietHours{Start: "12:00", End: "13:00"}, File: &FileConfig{Path: "x"}}
	if err := day.compile(); err != nil {
		t.Fatal(err)
	}
	at := func(loc *time.Location, d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, loc) }
	cases := []struct {
		name string
		rc   *Receiver
		t    time.Time
		want time.Time // zero: not quiet
	}{
		{"evening before quiet", rc, at(jakarta, 2, 21, 59), time.Time{}},
		{"start of quiet", rc, at(jakarta, 2, 22, 0), at(jakarta, 3, 6, 30)},
		{"after midnight", rc, at(jakarta, 3, 2, 15), at(jakarta, 3, 6, 30)},
		{"end of quiet", rc, at(jakarta, 3, 6, 30), time.Time{}},
		{"given in UTC: 16:00 UTC is 23:00 in Jakarta", rc, at(time.UTC, 2, 16, 0), at(jakarta, 3, 6, 30)},
		{"given in UTC: 02:00 UTC is 09:00 in Jakarta", rc, at(time.UTC, 3, 2, 0), time.Time{}},
		{"window within a day", day, at(time.UTC, 2, 11, 30), time.Date(2026, 3, 2, 13, 0, 0, 0, day.Location())},
		{"no quiet hours", &Receiver{}, at(time.UTC, 2, 23, 0), time.Time{}},
	}
	for _, c := range cases {
		got := c.rc.quietUntil(c.t)
		if !got.Equal(c.want) {
			t.Errorf("%s: quietUntil(%v) = %v, want %v", c.name, c.t, got, c.want)
		}
	}
}

func TestSecretFromEnvOrFile(t *testing.T) {
	t.Setenv("TEST_ALERT_SECRET", "from-env")
	if s, err := secret("webhook.secret", "TEST_ALERT_SECRET", ""); err != nil || s != "from-env" {
		t.Errorf("env: %q, %v", s, err)
	}
	f := t.TempDir() + "/secret"
	if err := writeFile(f, "from-file\n"); err != nil {
		t.Fatal(err)
	}
	if s, err := secret("webhook.secret", "TEST_ALERT_UNSET", f); err != nil || s != "from-file" {
		t.Errorf("file fallback: %q, %v", s, err)
	}
	if _, err := secret("webhook.secret", "TEST_ALERT_UNSET", ""); err == nil || err.Error() != "webhook.secret_env: environment variable TEST_ALERT_UNSET is not set" {
		t.Errorf("unset: %v", err)
	}
}
