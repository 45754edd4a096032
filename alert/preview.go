package alert

import (
	"fmt"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Preview is where an ad would go, and what each receiver would read,
// without touching any state: for `lurewatch alert test`.
type Preview struct {
	Route        string
	Match        string
	Receiver     string
	Language     string
	Integrations []string
	Message      *Message
	Chat         string
}

// Preview routes f from the route named start (the root when "") and
// renders the message each receiver would get. Dedupe, silences and
// grouping are not applied: the message shows the ad alone.
func (r *Rules) Preview(f *ad.Flagged, start, baseURL string, now time.Time) ([]Preview, error) {
	var from *Route
	if start != "" {
		if from = r.FindRoute(start); from == nil {
			return nil, fmt.Errorf("no route is named %q", start)
		}
	}
	ren, err := newRenderer()
	if err != nil {
		return nil, err
	}
	var out []Preview
	seen := map[string]bool{}
	for _, d := range r.routes(from, factsOf(f)) {
		if seen[d.Receiver.Name] {
			continue // the same ad never goes twice to a receiver
		}
		seen[d.Receiver.Name] = true
		n := &Notification{ID: "preview", Receiver: d.Receiver.Name, Route: d.Route.ID(), Created: now, Items: []Item{newItem(f, baseURL, now)}}
		msg, err := ren.render(n, d.Receiver)
		if err != nil {
			return nil, err
		}
		flavor := "slack"
		if d.Receiver.Slack != nil {
			flavor = d.Receiver.Slack.Flavor
		}
		chat, err := ren.renderChat(n, d.Receiver, flavor)
		if err != nil {
			return nil, err
		}
		out = append(out, Preview{Route: d.Route.ID(), Match: d.Route.Match.String(), Receiver: d.Receiver.Name,
			Language: langOf(d.Receiver.Language), Integrations: d.Receiver.Integrations(), Message: msg, Chat: chat})
	}
	return out, nil
}
