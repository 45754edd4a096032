package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// SlackConfig posts notifications to a Slack or Mattermost incoming
// webhook. The webhook's URL holds its token, so it is a secret: it comes
// from an environment variable or a file, never from the YAML.
type SlackConfig struct {
	URLEnv  string `yaml:"url_env"`
	URLFile string `yaml:"url_file"`
	// Flavor is slack (default) or mattermost: their link syntax differs.
	Flavor string `yaml:"flavor"`
	// Channel and Username override the webhook's defaults, when set.
	Channel  string `yaml:"channel"`
	Username string `yaml:"username"`
}

func (c *SlackConfig) validate() error {
	if c.URLEnv == "" && c.URLFile == "" {
		return errors.New("slack.url_env: the webhook URL is a secret; name its environment variable (url_env) or file (url_file)")
	}
	switch c.Flavor {
	case "":
		c.Flavor = "slack"
	case "slack", "mattermost":
	default:
		return fmt.Errorf("slack.flavor: %q is not slack or mattermost", c.Flavor)
	}
	return nil
}

type slackNotifier struct {
	cfg    SlackConfig
	url    string
	rc     *Receiver
	r      *renderer
	client *http.Client
}

func newSlack(c *SlackConfig, rc *Receiver, r *renderer, d *deps) (*slackNotifier, error) {
	u, err := secret("slack.url", c.URLEnv, c.URLFile)
	if err != nil {
		return nil, err
	}
	if err := checkURL(u); err != nil {
		return nil, fmt.Errorf("slack.url: the secret %w", err)
	}
	return &slackNotifier{cfg: *c, url: u, rc: rc, r: r, client: d.client}, nil
}

// slackPayload is the part of Slack's incoming-webhook body that Mattermost
// reads too.
type slackPayload struct {
	Text     string `json:"text"`
	Channel  string `json:"channel,omitempty"`
	Username string `json:"username,omitempty"`
}

func (s *slackNotifier) Notify(ctx context.Context, n *Notification) (bool, error) {
	text, err := s.r.renderChat(n, s.rc, s.cfg.Flavor)
	if err != nil {
		return false, err
	}
	body, err := json.Marshal(slackPayload{Text: text, Channel: s.cfg.Channel, Username: s.cfg.Username})
	if err != nil {
		return false, failure(ReasonRender, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return false, failure(ReasonOther, err)
	}
	req.Header.Set("Content-Type", "application/json")
	return postJSON(s.client, req, "the "+s.cfg.Flavor+" webhook")
}
