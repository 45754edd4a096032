package alert

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/lurewatch/lurewatch/pkg/config"
)

// Rules are the receivers (the offices) and the routing tree that decides
// which of them hears of which ad: configs/alerts.yaml.
type Rules struct {
	Receivers []Receiver `yaml:"receivers"`
	// Route is the root of the tree. It matches every ad; its children
	// narrow it down.
	Route Route `yaml:"route"`

	byName map[string]*Receiver
}

// Route is a node of the routing tree, as in Alertmanager: an ad that
// matches a route is offered to its children in order; the first child
// that matches takes it, unless that child says continue, in which case
// later siblings are tried too. When no child takes it, the route's own
// receiver gets it. Unset timings are inherited from the parent.
type Route struct {
	// Name identifies the route to `lurewatch alert test --route`; unnamed
	// routes are named by their place in the tree ("root.1.0").
	Name     string `yaml:"name"`
	Receiver string `yaml:"receiver"`
	Match    Match  `yaml:"match"`
	// Continue lets later siblings match the ad as well.
	Continue bool `yaml:"continue"`
	// GroupBy names the labels whose values split the route's ads into
	// separate notifications: level, category, language, place, source,
	// nationality.
	GroupBy []string `yaml:"group_by"`
	// GroupWait is how long a new group waits for more ads before its
	// first notification.
	GroupWait time.Duration `yaml:"group_wait"`
	// GroupInterval is how long a group waits after a notification before
	// sending its next ads.
	GroupInterval time.Duration `yaml:"group_interval"`
	// RepeatInterval is how long after a thread was last reported its
	// reposts ("seen again in 4 new ads") are reported again.
	RepeatInterval time.Duration `yaml:"repeat_interval"`
	// Digest, hourly or daily, sends the route's ads as one digest on the
	// hour, or each day at DigestAt in the receiver's time zone, instead of
	// group_wait and group_interval. "none" turns off a digest inherited
	// from the parent.
	Digest string `yaml:"digest"`
	// DigestAt is the time of day of a daily digest, "08:00" by default.
	DigestAt string  `yaml:"digest_at"`
	Routes   []Route `yaml:"routes"`

	id        string
	digestMin int // minutes after midnight of a daily digest
}

// Route timing defaults, for the root route.
const (
	defaultGroupWait      = 30 * time.Second
	defaultGroupInterval  = 5 * time.Minute
	defaultRepeatInterval = 4 * time.Hour
)

// ID is the route's name, or its place in the tree.
func (r *Route) ID() string { return r.id }

// LoadRules reads and checks a rules file.
func LoadRules(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("alert rules: %w", err)
	}
	return ParseRules(path, data)
}

// ParseRules parses rules strictly (an unknown key is an error naming its
// line), fills inherited settings and checks that everything refers to
// something that exists. Errors name the file and the key.
func ParseRules(file string, data []byte) (*Rules, error) {
	var r Rules
	if err := config.Decode(file, data, &r); err != nil {
		return nil, err
	}
	if err := r.compile(); err != nil {
		return nil, &config.Error{File: file, Msg: err.Error()}
	}
	return &r, nil
}

func (r *Rules) compile() error {
	r.byName = map[string]*Receiver{}
	for i := range r.Receivers {
		rc := &r.Receivers[i]
		if err := rc.compile(); err != nil {
			return fmt.Errorf("receivers[%d]: %w", i, err)
		}
		if _, dup := r.byName[rc.Name]; dup {
			return fmt.Errorf("receivers[%d].name: %q is defined twice", i, rc.Name)
		}
		r.byName[rc.Name] = rc
	}
	root := &r.Route
	if !root.Match.Empty() {
		return errors.New("route.match: the root route matches every ad; put matchers on its routes")
	}
	if root.Continue {
		return errors.New("route.continue: the root route has no siblings to continue to")
	}
	if root.Receiver == "" && len(root.Routes) == 0 {
		return errors.New("route: needs a receiver or routes")
	}
	if root.GroupWait == 0 {
		root.GroupWait = defaultGroupWait
	}
	if root.GroupInterval == 0 {
		root.GroupInterval = defaultGroupInterval
	}
	if root.RepeatInterval == 0 {
		root.RepeatInterval = defaultRepeatInterval
	}
	names := map[string]bool{}
	return r.compileRoute(root, nil, "route", "root", names)
}

func (r *Rules) compileRoute(rt, parent *Route, key, id string, names map[string]bool) error {
	if rt.Name != "" {
		id = rt.Name
	}
	if names[id] {
		return fmt.Errorf("%s.name: %q names two routes", key, id)
	}
	names[id] = true
	rt.id = id
	if parent != nil {
		if rt.Receiver == "" {
			rt.Receiver = parent.Receiver
		}
		if rt.GroupBy == nil {
			rt.GroupBy = parent.GroupBy
		}
		if rt.GroupWait == 0 {
			rt.GroupWait = parent.GroupWait
		}
		if rt.GroupInterval == 0 {
			rt.GroupInterval = parent.GroupInterval
		}
		if rt.RepeatInterval == 0 {
			rt.RepeatInterval = parent.RepeatInterval
		}
		if rt.Digest == "" {
			rt.Digest, rt.DigestAt = parent.Digest, parent.DigestAt
		}
	}
	if rt.Receiver == "" && len(rt.Routes) == 0 {
		return fmt.Errorf("%s.receiver: a route without child routes needs a receiver (here or above)", key)
	}
	if rt.Receiver != "" && r.byName[rt.Receiver] == nil {
		return fmt.Errorf("%s.receiver: no receiver is named %q (known: %s)", key, rt.Receiver, strings.Join(r.receiverNames(), ", "))
	}
	if err := rt.Match.Validate(); err != nil {
		return fmt.Errorf("%s.match.%w", key, err)
	}
	for i, g := range rt.GroupBy {
		if !slices.Contains(labelNames, g) {
			return fmt.Errorf("%s.group_by[%d]: %q is not one of %s", key, i, g, strings.Join(labelNames, ", "))
		}
	}
	if rt.GroupWait < 0 || rt.GroupInterval <= 0 || rt.RepeatInterval <= 0 {
		return fmt.Errorf("%s: group_wait must be 0 or more, group_interval and repeat_interval more than 0", key)
	}
	switch rt.Digest {
	case "none":
		rt.Digest, rt.DigestAt = "", "" // opts out of a digest inherited from above
	case "", "hourly":
		if rt.DigestAt != "" && rt.Digest == "hourly" {
			return fmt.Errorf("%s.digest_at: only a daily digest has a time of day", key)
		}
	case "daily":
		at := rt.DigestAt
		if at == "" {
			at = "08:00"
		}
		m, err := parseClock(at)
		if err != nil {
			return fmt.Errorf("%s.digest_at: %w", key, err)
		}
		rt.digestMin = m
	default:
		return fmt.Errorf("%s.digest: %q is not hourly, daily or none", key, rt.Digest)
	}
	for i := range rt.Routes {
		if err := r.compileRoute(&rt.Routes[i], rt, fmt.Sprintf("%s.routes[%d]", key, i), fmt.Sprintf("%s.%d", id, i), names); err != nil {
			return err
		}
	}
	return nil
}

func (r *Rules) receiverNames() []string {
	var out []string
	for _, rc := range r.Receivers {
		out = append(out, rc.Name)
	}
	return out
}

// Receiver returns the named receiver, or nil.
func (r *Rules) Receiver(name string) *Receiver { return r.byName[name] }

// FindRoute returns the route with the given id, or nil.
func (r *Rules) FindRoute(id string) *Route {
	var find func(rt *Route) *Route
	find = func(rt *Route) *Route {
		if rt.id == id {
			return rt
		}
		for i := range rt.Routes {
			if f := find(&rt.Routes[i]); f != nil {
				return f
			}
		}
		return nil
	}
	return find(&r.Route)
}

// Destination is one route's choice of receiver for an ad.
type Destination struct {
	Route    *Route
	Receiver *Receiver
}

// routes walks the tree from start (the root when nil) and returns where an
// ad with these facts goes, in tree order.
func (r *Rules) routes(start *Route, fs facts) []Destination {
	if start == nil {
		start = &r.Route
	}
	if !start.Match.matches(fs) {
		return nil
	}
	var walk func(rt *Route) []Destination
	walk = func(rt *Route) []Destination {
		var got []Destination
		for i := range rt.Routes {
			child := &rt.Routes[i]
			if !child.Match.matches(fs) {
				continue
			}
			got = append(got, walk(child)...)
			if !child.Continue {
				break
			}
		}
		if len(got) == 0 && rt.Receiver != "" {
			got = append(got, Destination{Route: rt, Receiver: r.byName[rt.Receiver]})
		}
		return got
	}
	return walk(start)
}
