package alert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func TestShippedRulesLoad(t *testing.T) {
	if _, err := LoadRules("../configs/alerts.yaml"); err != nil {
		t.Fatalf("configs/alerts.yaml: %v", err)
	}
	if _, err := DemoRules(); err != nil {
		t.Fatalf("demo rules: %v", err)
	}
}

// Every rejection has a fixture, and the error names the file, the key
// and what is wrong.
func TestBadRules(t *testing.T) {
	want := map[string]string{
		"bad-unknown-key.yaml":          `bad-unknown-key.yaml:6: route.group_wiat: unknown key (did you mean "group_wait"?)`,
		"bad-unknown-receiver.yaml":     `route.routes[0].receiver: no receiver is named "kbri" (known: office)`,
		"bad-level.yaml":                `route.routes[0].match.level: ">=severe" is not a level`,
		"bad-group-by.yaml":             `route.group_by[0]: "country" is not one of level, category`,
		"bad-digest.yaml":               `route.digest: "weekly" is not hourly, daily or none`,
		"bad-digest-at.yaml":            `route.digest_at: "25:00" is not a time of day`,
		"bad-timezone.yaml":             `receivers[0]: timezone: "Asia/Atlantis" is not an IANA time zone`,
		"bad-quiet-hours.yaml":          `receivers[0]: quiet_hours.end: "7am" is not a time of day`,
		"bad-no-integration.yaml":       `receivers[0]: receiver office: needs at least one of webhook, email, slack, file`,
		"bad-webhook-secret.yaml":       `receivers[0]: webhook.secret_env: a webhook is signed`,
		"bad-email-to.yaml":             `receivers[0]: email.to[0]: "not an address" is not an address`,
		"bad-email-plain-auth.yaml":     `receivers[0]: email.username: credentials are never sent without TLS`,
		"bad-slack-url.yaml":            `receivers[0]: slack.url_env: the webhook URL is a secret`,
		"bad-duplicate-receiver.yaml":   `receivers[1].name: "office" is defined twice`,
		"bad-root-match.yaml":           `route.match: the root route matches every ad`,
		"bad-duplicate-route-name.yaml": `route.routes[1].name: "asia" names two routes`,
	}
	files, _ := filepath.Glob("testdata/bad-*.yaml")
	if len(files) != len(want) {
		t.Errorf("%d fixtures, %d expectations", len(files), len(want))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := LoadRules(f)
			if err == nil {
				t.Fatal("accepted")
			}
			w, ok := want[filepath.Base(f)]
			if !ok {
				t.Fatalf("no expectation for %s; error: %v", f, err)
			}
			if !strings.Contains(err.Error(), w) || !strings.Contains(err.Error(), f) {
				t.Errorf("error %q\nwant it to name %s and contain %q", err, f, w)
			}
		})
	}
}

const treeYAML = `
receivers:
  - {name: desk, file: {path: desk.log}}
  - {name: kbri, language: id, file: {path: kbri.log}}
  - {name: polo, language: tl, file: {path: polo.log}}
  - {name: urgent, file: {path: urgent.log}}
route:
  receiver: desk
  group_wait: 10s
  routes:
    - name: indonesia
      match: {nationality: [ID]}
      receiver: kbri
      group_wait: 1m
      continue: true
      routes:
        - name: indonesia-digest
          match: {level: medium}
          digest: daily
          routes:
            - {name: indonesia-digest-urgent-source, match: {source: [hotline]}, digest: none}
    - name: philippines
      match: {nationality: [PH], language: [tl, en]}
      receiver: polo
    - name: critical
      match: {level: ">=critical"}
      receiver: urgent
`

func TestRoutingTree(t *testing.T) {
	r, err := ParseRules("tree", []byte(treeYAML))
	if err != nil {
		t.Fatal(err)
	}
	mk := func(level ad.Level, nats []string, lang string) *ad.Flagged {
		return flagged("x", func(f *ad.Flagged) {
			f.Verdict.Level = level
			f.Verdict.Extracted.Nationalities = nats
			f.Verdict.Extracted.Languages = nil
			f.Lang = lang
		})
	}
	cases := []struct {
		name string
		ad   *ad.Flagged
		want string // route>receiver, in order
	}{
		{"no route matches: root receiver", mk(ad.LevelHigh, nil, "th"), "root>desk"},
		{"indonesian high: indonesia, continue finds nothing else", mk(ad.LevelHigh, []string{"ID"}, "id"), "indonesia>kbri"},
		{"indonesian medium: the digest child", mk(ad.LevelMedium, []string{"id"}, "id"), "indonesia-digest>kbri"},
		{"indonesian critical: continue reaches critical", mk(ad.LevelCritical, []string{"ID"}, "id"), "indonesia>kbri critical>urgent"},
		{"both fields must match", mk(ad.LevelHigh, []string{"PH"}, "vi"), "root>desk"},
		{"a list matches on any value, language by its base", mk(ad.LevelHigh, []string{"PH"}, "en-PH"), "philippines>polo"},
		{"first match without continue stops", mk(ad.LevelCritical, []string{"PH"}, "tl"), "philippines>polo"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, d := range r.routes(nil, factsOf(c.ad)) {
				got = append(got, d.Route.ID()+">"+d.Receiver.Name)
			}
			if strings.Join(got, " ") != c.want {
				t.Errorf("routes = %v, want %s", got, c.want)
			}
		})
	}
	dig := r.FindRoute("indonesia-digest")
	if dig.GroupWait.String() != "1m0s" || dig.Receiver != "kbri" || dig.Digest != "daily" || dig.digestMin != 8*60 {
		t.Errorf("indonesia-digest did not inherit: %+v", dig)
	}
	if u := r.FindRoute("indonesia-digest-urgent-source"); u.Digest != "" || u.Receiver != "kbri" {
		t.Errorf("digest: none did not turn the digest off: %+v", u)
	}
	if r.FindRoute("philippines").GroupWait.String() != "10s" {
		t.Errorf("philippines group_wait = %v, want the root's 10s", r.FindRoute("philippines").GroupWait)
	}
}

func TestLoadRulesMissingFile(t *testing.T) {
	_, err := LoadRules(filepath.Join(t.TempDir(), "none.yaml"))
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("err = %v, want a not-exist error", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
