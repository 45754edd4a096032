package classifier

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fixturePack copies testdata/rules into a temporary directory the test
// may change.
func fixturePack(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "rules", "pack.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pack.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newFixture(t *testing.T, reg prometheus.Registerer) (*Classifier, string) {
	t.Helper()
	dir := fixturePack(t)
	c, err := New(Config{Rules: dir}, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	return c, dir
}

func hitRules(v ad.Verdict) []string {
	var out []string
	for _, h := range v.Hits {
		out = append(out, h.Rule)
	}
	return out
}

func TestClassifyScoresAndExplains(t *testing.T) {
	c, _ := newFixture(t, nil)
	tests := []struct {
		name    string
		ad      ad.Raw
		rules   []string
		score   float64
		level   ad.Level
		flagged bool
	}{
		{"lure", ad.Raw{Title: "Typist needed in Sihanoukville", Body: "We pay USD 1,400 per month. A processing fee is due, then write to T.e.l.e.g.r.a.m @svl_jobs"},
			[]string{"hub", "fee", "chat-only", "high-pay"}, 10, ad.LevelCritical, true},
		{"negated fee", ad.Raw{Body: "No processing fee. Work in Sihanoukville."}, []string{"hub"}, 3, ad.LevelMedium, true},
		{"weak sign", ad.Raw{Body: "Type 40 wpm"}, []string{"typing-speed"}, 1, ad.LevelNone, false},
		{"low", ad.Raw{Body: "Apply on Telegram @hr"}, []string{"chat-only"}, 2, ad.LevelLow, false},
		{"warning", ad.Raw{Body: "Beware: jobs in Sihanoukville asking a processing fee"}, []string{"hub", "fee", "warning"}, 1, ad.LevelNone, false},
		{"nothing", ad.Raw{Body: "Accountant in Phnom Penh"}, nil, 0, ad.LevelNone, false},
		{"empty", ad.Raw{}, nil, 0, ad.LevelNone, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(&tc.ad)
			got := hitRules(v)
			if strings.Join(sorted(got), ",") != strings.Join(sorted(tc.rules), ",") {
				t.Errorf("rules %v, want %v", got, tc.rules)
			}
			if v.Score != tc.score || v.Level != tc.level || v.Flagged != tc.flagged {
				t.Errorf("score %v level %s flagged %v, want %v %s %v", v.Score, v.Level, v.Flagged, tc.score, tc.level, tc.flagged)
			}
			for i := 1; i < len(v.Hits); i++ {
				if v.Hits[i].Weight > v.Hits[i-1].Weight {
					t.Errorf("hits not heaviest first: %v", got)
				}
			}
			if v.Rules != c.Pack() || v.ClassifiedAt.IsZero() {
				t.Errorf("verdict lacks pack %q or time", v.Rules)
			}
		})
	}
}

func TestSpansPointIntoBothTexts(t *testing.T) {
	c, _ := newFixture(t, nil)
	r := ad.Raw{Title: "ＪＯＢＳ in SIHANOUKVILLE", Body: "Write to T.e.l.e.g.r.a.m, nothing else. A Processing   Fee applies."}
	v := c.Classify(&r)
	found := 0
	for _, h := range v.Hits {
		if h.Description == "" || h.Weight == 0 || h.Category == "" {
			t.Errorf("hit %s lacks weight, category or description", h.Rule)
		}
		for _, s := range h.Spans {
			src := map[string]string{"title": r.Title, "body": r.Body}[s.Field]
			if s.OrigStart < 0 || s.OrigEnd > len(src) || src[s.OrigStart:s.OrigEnd] != s.Text {
				t.Errorf("%s: span %+v does not point at its text in %q", h.Rule, s, src)
			}
			switch h.Rule {
			case "hub":
				found++
				if s.Text != "SIHANOUKVILLE" || s.End-s.Start != len("sihanoukville") {
					t.Errorf("hub span %+v", s)
				}
			case "fee":
				found++
				if s.Text != "Processing   Fee" {
					t.Errorf("fee span text %q", s.Text)
				}
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of the 2 spans looked for: %+v", found, v.Hits)
	}
}

func TestWithinCountsTokens(t *testing.T) {
	c, _ := newFixture(t, nil)
	near := c.Classify(&ad.Raw{Body: "free ticket and visa"})
	far := c.Classify(&ad.Raw{Body: "free ticket, meals, a room, training, and later a visa"})
	if !contains(hitRules(near), "free-ticket-near-visa") || contains(hitRules(far), "free-ticket-near-visa") {
		t.Errorf("near fired %v, far fired %v", hitRules(near), hitRules(far))
	}
}

// checkPackExamples loads a rule pack written out in full and runs its
// rules' examples.
func checkPackExamples(t *testing.T, pack string) {
	t.Helper()
	for _, f := range packClassifier(t, pack).CheckExamples() {
		t.Error(f)
	}
}

// packClassifier loads a rule pack written out in full.
func packClassifier(t *testing.T, pack string) *Classifier {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pack.yaml"), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Rules: dir}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestWithinNeedsSeparateWords: a match inside a longer match of another
// child is not evidence of its own, unless it is a whole word of it.
// Burmese "ပို့" (send) is the end of "ပတ်စပို့" (passport), which alone
// must not read as "send the passport"; "deposit your passport" is the
// keeping and the passport both.
func TestWithinNeedsSeparateWords(t *testing.T) {
	pack := `rules:
  - id: passport-sent
    weight: 3
    category: identity-harvest
    description: Passport and send close together.
    when:
      within:
        tokens: 6
        of:
          - keywords: {my: [ပတ်စပို့], en: [passport]}
          - keywords: {my: [ပို့], en: [deposit your passport, passports]}
    examples:
      match: ["ပတ်စပို့ ဓာတ်ပုံ ပို့ပေးပါ", "You must deposit your passport with HR"]
      no_match: ["ပတ်စပို့ မူရင်းကို မသိမ်းပါ", "Bring your passports"]
`
	checkPackExamples(t, pack)
}

// TestThenReadsOrder: the second piece counts only after the first
// piece's last match, in its field or a later one, so a warning that ends
// by recruiting is told from a story that starts with the offer it
// answered; the verdict shows the turn and what followed it.
func TestThenReadsOrder(t *testing.T) {
	pack := `rules:
  - id: warning-then-offer
    weight: 3
    category: trafficking-lure
    description: A warning about trafficking that ends with the poster's own offer.
    when:
      then:
        - keywords: {en: [trafficked, took our passports]}
        - within:
            tokens: 6
            of:
              - keywords: {en: [hiring, needs staff]}
              - keywords: {en: [pm me, telegram]}
    examples:
      match:
        - "So many were trafficked last year. My boss needs staff, PM me"
        - {title: "They took our passports", body: "But our company is hiring now, telegram @hr"}
        - "Trafficked again? No. We are hiring, pm me, not like those who took our passports; our team is hiring, pm me"
      no_match:
        - "They were hiring, PM me said the ad. Then they took our passports"
        - "Hiring, telegram @hr. I was trafficked. They took our passports"
        - "They took our passports"
`
	checkPackExamples(t, pack)

	c := packClassifier(t, pack)
	v := c.Classify(&ad.Raw{Body: "I was trafficked once. Now my boss needs staff, PM me"})
	if len(v.Hits) != 1 {
		t.Fatalf("hits %+v", v.Hits)
	}
	var texts []string
	for _, s := range v.Hits[0].Spans {
		texts = append(texts, s.Text)
	}
	if want := []string{"trafficked", "needs staff", "PM me"}; !slices.Equal(texts, want) {
		t.Errorf("spans %q, want %q", texts, want)
	}

	// A first piece that holds on a finding with no place in the text
	// gives no order to read.
	placeless := packClassifier(t, `rules:
  - id: short-then-hiring
    weight: 3
    category: job-fraud
    description: A short ad, then hiring.
    when:
      then:
        - any: [{cond: words < 1000}, {keywords: {en: [trafficked]}}]
        - keywords: {en: [hiring]}
    examples:
      match: ["trafficked, now hiring"]
`)
	if v := placeless.Classify(&ad.Raw{Body: "We are hiring"}); len(v.Hits) != 0 {
		t.Errorf("fired with no place for the first piece: %+v", v.Hits)
	}
}

// TestNegationAndExceptions: cues that go before their word reach three
// words forward, unless a comma closes them, a contrast word ("just",
// "but") comes between, or they are part of a reassurance ("no worries"); cues that follow their word ("gratis")
// reach one word back; a promise never to ask negates the rest of its
// sentence; a match inside a longer match of the same evidence is judged
// with it; and a match inside an except phrase does not count.
func TestNegationAndExceptions(t *testing.T) {
	pack := `sets:
  negation:
    en: [no, never, free]
    ms: [tak]
    my: [မလို]
    th: [ไม่, ไม่ต้อง, ฟรี]
    km: [មិន]
    vi: [không thu]
    zh: [不需要]
  negation_after:
    id: [gratis]
    th: [ฟรี]
  negation_sentence:
    en: [will never ask]
  reassurance:
    en: [no worries, never mind]
  contrast:
    en: [just, but]
rules:
  - id: fee
    weight: 3
    category: advance-fee
    description: A fee.
    when:
      keywords: {en: [fee, deposit, banking password, online banking password], id: [biaya], ms: [dijamin], my: [ဗီဇာ], th: [โอน], km: [ខ្ចី, លេខកូដ], vi: [phí hồ sơ], zh: [刷礼物]}
      negatable: true
      except: {en: [direct deposit]}
    examples:
      match: ["A fee of $50", "Visa dijamin lulus, tak perlu ujian", "Training is free, then a fee of $50", "ပြန်စရာမလို၊ ဗီဇာနဲ့ သွား", "No worries about the fee", "Never mind the deposit", "No stock, just a fee", "Not hard but a deposit", "No experience needed and a fee", "Không thu phí đào tạo, nhưng phí hồ sơ 500k", "ไม่เช็คบูโร โอนค่าธรรมเนียม 1,500", "ហូបចុកមិនគិតលុយ អាចខ្ចីលុយមុន", "不需要经验但要给直播间刷礼物", "不需要经验，给直播间刷礼物", "ที่พักฟรี โอนค่าสมัคร 300 บาท", "No experience 👉 fee $50", "不需要经验😂 给直播间刷礼物"]
      no_match: ["No fee", "No experience fee", "We will never ask 🚩 a fee or a deposit", "ฟรีโอนค่าสมัคร", "ฟรี โอนค่าสมัคร", "也不需要给直播间刷礼物", "No worries, no fee", "No upfront bonds or accommodation fee", "Trung tâm không thu phí đào tạo hay phí hồ sơ", "Biaya gratis", "မလို ဗီဇာ", "Pay is by direct deposit", "We will never ask for a fee, a deposit or your online banking password", "Never send anyone your online banking password", "ไม่ต้อง โอนเงินก่อน", "មិនស្នើសុំលុយ ឬលេខកូដ OTP"]
`
	checkPackExamples(t, pack)
}

// TestHeadline: a post with no title is headed by its body's first line.
func TestHeadline(t *testing.T) {
	pack := `rules:
  - id: warning
    weight: -5
    category: context
    description: A warning in the headline.
    when:
      keywords: {en: [psa, beware]}
      fields: [headline]
    examples:
      match:
        - {title: "Beware of fake recruiters", body: "They ask for a fee."}
        - "PSA for anyone job hunting: they ask for a fee"
        - "Beware"
      no_match:
        - {title: "Customer service", body: "PSA: we never ask for a fee"}
        - "They ask for a fee. PSA: we never do"
        - "They ask for a fee and for a photo of your passport and your ID card, and they say it is only for the visa and the work permit that the company will arrange for you on arrival, so beware"
`
	checkPackExamples(t, pack)
}

// TestUnquoted: a worker quoting the message they were sent, or a
// warning citing a lure's lines, is not the poster speaking.
func TestUnquoted(t *testing.T) {
	pack := `rules:
  - id: own-offer
    weight: 3
    category: trafficking-lure
    description: The poster's own company is hiring.
    when:
      keywords: {en: [our company], km: [ក្រុមហ៊ុនយើង], zh: [我们公司]}
      unquoted: true
    examples:
      match:
        - "Our company needs typists"
        - "They say \"no fee\" but our company charges none"
        - "He wrote: \"hello, our company needs typists"
        - "he wrote \"hi\" and then our company replied"
        - "Don't worry, it's our company that pays"
        # a voice message or a chat written down in quotes is the message
        - "\"Hi bro, our company needs typists, I pay the ticket\""
        - "[Voice message 0:51]\n\"Hi bro, our company needs typists\""
      no_match:
        - "[Screenshot] \"Hi dear, our company needs staff\" is this real?"
        - "Someone messaged me: \"Hi dear, our company in Thailand needs staff\". Is this legit?"
        - "មានគេផ្ញើសារមកខ្ញុំថា \"ក្រុមហ៊ុនយើងត្រូវការបុគ្គលិក\" តើពិតឬទេ"
        - "有人私信我「我们公司在泰国招客服」，是真的吗"
        - "Got a DM “our company pays $1,500” – careful"
        - "Posts saying 'our company pays $1,500, free flight' are fake"
        - "Tin nhắn ‘our company needs typists’ là lừa đảo"
  - id: fee-stated
    weight: 3
    category: advance-fee
    description: A fee with its amount, not quoted from a lure.
    when:
      regex: '先付[1-9][0-9]*万'
      gate: {any: [先付]}
      unquoted: true
    examples:
      match: ["代办包工作，先付3万"]
      no_match: ["网上看到「代办包工作 先付3万」的多半有问题"]
`
	checkPackExamples(t, pack)
}

// TestUntagged: a word inside a hashtag files the post under a topic;
// it is not what the poster says.
func TestUntagged(t *testing.T) {
	pack := `rules:
  - id: says-beware
    weight: -3
    category: context
    description: The poster warns in their own words.
    when:
      keywords: {en: [beware], vi: [cảnh giác], th: [เตือนภัย]}
      untagged: true
    examples:
      match:
        - "Beware of fake recruiters"
        - "Cảnh giác nha mọi người #vieclam"
        - "Beware # of fakes"
        - "ระวัง เตือนภัย"
      no_match:
        - "Chat agents wanted, $1,500 #beware #jobs"
        - "Tuyển CSKH lương 1500$ #canhgiac #cảnhgiác"
        - "รับแอดมิน 40k #เตือนภัย"
`
	checkPackExamples(t, pack)
}

func TestExtractedFields(t *testing.T) {
	c, _ := newFixture(t, nil)
	v := c.Classify(&ad.Raw{Title: "Typist or customer service", Body: "Posts in 西港 and Phnom Penh with the team, you and OFW friends. Salary USD 1,200–1,500/month. Telegram @kh_jobs or WA +63 912 345 6789, email jobs@example.com",
		Contacts: []string{"t.me/hr_channel"}})
	x := v.Extracted
	if strings.Join(x.Places, ",") != "Sihanoukville,Phnom Penh" || strings.Join(x.Countries, ",") != "KH" {
		t.Errorf("places %v countries %v", x.Places, x.Countries)
	}
	if strings.Join(x.JobTypes, ",") != "typist,customer_service" {
		t.Errorf("job types %v", x.JobTypes)
	}
	if x.Salary == nil || x.Salary.Currency != "USD" || x.Salary.Min != 1200 || x.Salary.Max != 1500 || x.Salary.USDMonth != 1200 || x.Salary.Period != "month" {
		t.Errorf("salary %+v", x.Salary)
	}
	want := map[string]string{"telegram": "@kh_jobs", "whatsapp": "+639123456789", "email": "jobs@example.com"}
	for kind, val := range want {
		ok := false
		for _, ct := range x.Contacts {
			ok = ok || ct.Kind == kind && ct.Value == val
		}
		if !ok {
			t.Errorf("no %s contact %s in %+v", kind, val, x.Contacts)
		}
	}
	if !strings.Contains(fmtContacts(x.Contacts), "t.me/hr_channel") {
		t.Errorf("the crawler's contact is missing: %+v", x.Contacts)
	}
	if len(x.Languages) == 0 || x.Languages[0] != "en" {
		t.Errorf("languages %v", x.Languages)
	}
	if strings.Join(x.Nationalities, ",") != "PH" {
		t.Errorf("nationalities %v, want PH (named OFW and a +63 number)", x.Nationalities)
	}
}

// TestAtSignHandles: an "@" joined to a name is a handle, read as
// Telegram unless another channel is named before it; an "@" set apart by
// a space is a handle only after a channel's name, and otherwise means
// "at".
func TestAtSignHandles(t *testing.T) {
	c, _ := newFixture(t, nil)
	tests := []struct {
		body, want string
	}{
		{"Apply to @kh_jobs today", "telegram=@kh_jobs "},
		{"Telegram @ pp_team", "telegram=@pp_team "},
		{"Line id @ bkk_staff", "line=@bkk_staff "},
		{"Graduate trainee @ Upstream, Athens", ""},
		{"Guide team members.-@ Provide product demos", ""},
		{"Emails from us only come from @larkspurvet.com", ""},
	}
	for _, tc := range tests {
		v := c.Classify(&ad.Raw{Body: tc.body})
		if got := fmtContacts(v.Extracted.Contacts); got != tc.want {
			t.Errorf("%q: contacts %q, want %q", tc.body, got, tc.want)
		}
	}
}

func fmtContacts(cs []ad.Contact) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.Kind + "=" + c.Value + " ")
	}
	return b.String()
}

func TestReloadSwapsRulesOrKeepsThemOnError(t *testing.T) {
	reg := prometheus.NewRegistry()
	c, dir := newFixture(t, reg)
	before := c.Pack()
	lure := ad.Raw{Body: "Sign up bonus: free ticket and visa"}
	extra := `
  - id: signup-bonus
    weight: 4
    category: job-fraud
    description: A sign-up bonus.
    when: {keywords: [sign up bonus]}
    examples: {match: [sign up bonus]}
`
	path := filepath.Join(dir, "pack.yaml")
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(data, extra...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	if c.Pack() == before || !contains(hitRules(c.Classify(&lure)), "signup-bonus") {
		t.Fatalf("reload did not take the new rule: pack %s, hits %v", c.Pack(), hitRules(c.Classify(&lure)))
	}
	good := c.Pack()

	bad := filepath.Join(dir, "zz-bad.yaml")
	if err := os.WriteFile(bad, []byte("rules:\n  - id: x\n    weight: 1\n    bogus: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := c.Reload()
	var re *RuleError
	if !errors.As(err, &re) || re.File != bad || re.Line != 4 || !strings.Contains(re.Msg, `unknown key "bogus"`) {
		t.Fatalf("reload of a bad file: %v, want a RuleError at %s:4", err, bad)
	}
	if c.Pack() != good || !contains(hitRules(c.Classify(&lure)), "signup-bonus") {
		t.Error("the rules in force changed after a refused reload")
	}
	if got := testutil.ToFloat64(c.reloads.WithLabelValues("refused")); got != 1 {
		t.Errorf("refused reloads counted %v, want 1", got)
	}
	if err := c.Reload(); err == nil {
		t.Error("a second reload of the bad file was accepted")
	}
	os.Remove(bad)
	if err := c.Reload(); err != nil || c.Pack() != good {
		t.Errorf("reload after fixing: %v, pack %s want %s", err, c.Pack(), good)
	}
}

func TestWatchReloadsChangedFiles(t *testing.T) {
	dir := fixturePack(t)
	c, err := New(Config{Rules: dir, WatchInterval: 100 * time.Millisecond}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Watch(ctx) }()
	before := c.Pack()
	path := filepath.Join(dir, "pack.yaml")
	data, _ := os.ReadFile(path)
	data = append(data, []byte("\n# a comment changes the pack's hash\n")...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for c.Pack() == before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if c.Pack() == before {
		t.Error("Watch did not reload the changed file")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch returned %v", err)
	}
}

func TestBadInputIsBoundedNotFatal(t *testing.T) {
	reg := prometheus.NewRegistry()
	c, _ := newFixture(t, reg)
	huge := strings.Repeat("free ticket and visa in Sihanoukville. ", 10<<20/39)
	tests := []struct {
		name   string
		ad     ad.Raw
		reason string
		rule   string
	}{
		{"10 MB body", ad.Raw{ID: "big", Body: huge}, "too_long", "hub"},
		{"invalid UTF-8", ad.Raw{ID: "bin", Body: "Sihanoukville \xff\xfe\xfd processing fee"}, "invalid_utf8", "fee"},
		{"keyword flood", ad.Raw{ID: "flood", Body: strings.Repeat("visa ", 30000)}, "too_many_matches", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := testutil.ToFloat64(c.problems.WithLabelValues(tc.reason))
			v := c.Classify(&tc.ad)
			if got := testutil.ToFloat64(c.problems.WithLabelValues(tc.reason)); got != before+1 {
				t.Errorf("problem %s counted %v times, want %v", tc.reason, got, before+1)
			}
			if tc.rule != "" && !contains(hitRules(v), tc.rule) {
				t.Errorf("rule %s did not fire on the readable part: %v", tc.rule, hitRules(v))
			}
			for _, h := range v.Hits {
				for _, s := range h.Spans {
					if s.OrigEnd > len(tc.ad.Body)+len(tc.ad.Title) {
						t.Errorf("span beyond the text: %+v", s)
					}
				}
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Rules: "testdata/rules", FlagLevel: "urgent"},
		{Rules: "testdata/rules", Thresholds: Thresholds{Low: 5, Medium: 1, High: 2, Critical: 3}},
		{Rules: "testdata/rules", Rates: map[string]float64{"USD": -1}},
		{Rules: "testdata/nowhere"},
	} {
		if _, err := New(cfg, nil, nil); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
}

func TestFixtureExamples(t *testing.T) {
	c, _ := newFixture(t, nil)
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
