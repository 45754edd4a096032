package alert

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSlackAndMattermost(t *testing.T) {
	var got slackPayload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/hooks/T0K3N" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		json.NewDecoder(r.Body).Decode(&got)
	}))
	defer srv.Close()
	t.Setenv("TEST_SLACK_URL", srv.URL+"/hooks/T0K3N")
	it := newItem(flagged("s1", nil), "http://ui.test", time.Now())
	it.Title = "Apply now <!channel> @here | ok"
	for _, c := range []struct {
		flavor string
		link   string
	}{
		{"slack", "<http://ui.test/ads/s1|Apply now &lt;!channel&gt; @\u200bhere | ok>"},
		{"mattermost", "[Apply now &lt;!channel&gt; @\u200bhere | ok](http://ui.test/ads/s1)"},
	} {
		t.Run(c.flavor, func(t *testing.T) {
			cfg := &SlackConfig{URLEnv: "TEST_SLACK_URL", Flavor: c.flavor, Channel: "#alerts"}
			rc := &Receiver{Name: "office", Language: "vi", Slack: cfg}
			if err := rc.compile(); err != nil {
				t.Fatal(err)
			}
			ren, _ := newRenderer()
			s, err := newSlack(cfg, rc, ren, &deps{client: &http.Client{}})
			if err != nil {
				t.Fatal(err)
			}
			if retry, err := s.Notify(context.Background(), testNotification(it)); err != nil {
				t.Fatalf("retry=%v err=%v", retry, err)
			}
			if got.Channel != "#alerts" || !strings.Contains(got.Text, c.link) || !strings.Contains(got.Text, "tin tuyển dụng đáng ngờ") {
				t.Errorf("payload %+v\nwant link %q", got, c.link)
			}
			if strings.Contains(got.Text, "<!channel>") || strings.Contains(got.Text, " @here") {
				t.Errorf("a mention got through: %q", got.Text)
			}
		})
	}
	t.Run("the URL stays out of errors", func(t *testing.T) {
		t.Setenv("TEST_SLACK_URL", srv.URL+"/hooks/WR0NG")
		cfg := &SlackConfig{URLEnv: "TEST_SLACK_URL"}
		rc := &Receiver{Name: "office", Slack: cfg}
		if err := rc.compile(); err != nil {
			t.Fatal(err)
		}
		ren, _ := newRenderer()
		s, _ := newSlack(cfg, rc, ren, &deps{client: &http.Client{}})
		_, err := s.Notify(context.Background(), testNotification(it))
		if err == nil || strings.Contains(err.Error(), "WR0NG") {
			t.Errorf("err = %v", err)
		}
	})
}
