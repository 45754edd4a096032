package classifier

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// The shipped rule pack, as the binary reads it from the repository.
const shippedRules = "../configs/rules"

func shippedClassifier(t testing.TB) *Classifier {
	t.Helper()
	c, err := New(Config{Rules: shippedRules}, nil, nil)
	if err != nil {
		t.Fatalf("the shipped rule pack does not load: %v", err)
	}
	return c
}

// TestShippedPackFitsTheFullTable: the shipped pack's automaton must fit
// the full transition table (at most maxFullStates states). Past it every
// byte takes the sparse path and classification runs at about half the
// speed (BenchmarkClassify), a cliff no test of verdicts would show. A
// pack that grows past it needs room made: a shorter maxKeywordPrefix,
// measured for speed beside the current one; fewer keywords; or a wider
// table. (Dropping phrases that a shorter keyword of the same list
// starts freed only a few hundred states and changed verdicts, through
// the windows, quotes and negations their longer spans fell in.)
func TestShippedPackFitsTheFullTable(t *testing.T) {
	p := shippedClassifier(t).cur.Load().p
	if a := p.ac; a.full == nil || p.keywordPrefix != maxKeywordPrefix {
		t.Fatalf("the shipped pack fits the full table only with keywords cut to %d bytes (%d states), not %d: make room (see maxKeywordPrefix)", p.keywordPrefix, a.nStates, maxKeywordPrefix)
	}
	t.Logf("%d states of %d", p.ac.nStates, maxFullStates)
}

// TestShippedPackExamples runs every example of every rule in
// configs/rules: each must fire where it says and stay quiet where it says.
func TestShippedPackExamples(t *testing.T) {
	c := shippedClassifier(t)
	total := 0
	for _, r := range c.cur.Load().p.rules {
		total += len(r.match) + len(r.noMatch)
		if len(r.match) == 0 {
			t.Errorf("rule %s has no examples it must match", r.id)
		}
	}
	if total < 50 {
		t.Errorf("only %d examples in the pack", total)
	}
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
}

// TestShippedPackOnFixtures classifies small hand-written ads in several
// languages: lures must be flagged and their look-alikes (ordinary jobs in
// the same towns, licensed programmes, warnings) must not.
func TestShippedPackOnFixtures(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		name    string
		ad      ad.Raw
		flagged bool
	}{
		{"en compound lure", ad.Raw{Title: "Support agents – Poipet – $1,350", Body: "Beginners welcome, we cover flights, visa and a dorm. Aged 18-29. Message your passport photo to T.e.l.e.g.r.a.m @ pp_team. Come on a tourist visa, we switch it to a work visa on arrival."}, true},
		{"id lure", ad.Raw{Title: "Admin kantor luar negeri", Body: "Gaji 19 juta per bulan, tanpa pengalaman. Tiket dan mess ditanggung. Masuk dengan visa kunjungan, kirim scan paspor ke WA 0857 2222 3333 saja"}, true},
		{"vi lure", ad.Raw{Title: "Tuyển nhân viên chat ở Campuchia", Body: "Thu nhập 27 triệu mỗi tháng, chưa có kinh nghiệm cũng nhận, lo vé máy bay và chỗ ở. Công ty sẽ giữ hộ chiếu. Nhắn Zalo"}, true},
		{"zh lure", ad.Raw{Title: "妙瓦底 招聊天客服", Body: "月薪1.8万，零基础可，包住宿，机票公司出。请先发送护照照片，纸飞机联系，到昆明有人接"}, true},
		{"th lure", ad.Raw{Title: "งานแอดมิน ต่างประเทศ รายได้ 42,000 บาท", Body: "มือใหม่ทำได้ มีที่พัก ใช้วีซ่าท่องเที่ยวเข้าไปก่อน บริษัทเก็บพาสปอร์ตไว้ ติดต่อไลน์"}, true},
		{"fee scam", ad.Raw{Title: "Resort staff overseas", Body: "A registration fee of USD 220 is paid by GCash first and deducted from salary later."}, true},
		{"phnom penh office job", ad.Raw{Title: "Payroll officer, Toul Kork", Company: "Lotus Paper Co., Ltd.", Body: "Pay $650-850. NSSF and paid leave. A degree in accounting and 3 years of experience. CVs to people@lotus.example, or visit our office."}, false},
		{"manila call centre", ad.Raw{Title: "Voice agent, Alabang", Body: "Sunrise Connect Inc. PHP 20,500 a month with night pay, HMO and 13th month. New to BPO? We train you, paid. Walk-in interviews every day."}, false},
		{"licensed programme", ad.Raw{Title: "Food processing jobs in Japan (SSW)", Body: "Recruited by a licensed agency under an approved job order. JFT-Basic needed. The employer pays the flight and visa; company housing, rent deducted as the contract says."}, false},
		{"warning", ad.Raw{Title: "Beware of typing jobs abroad", Body: "Police say victims who answered offers of $1,600 with free flights and chat-only contact were forced to defraud strangers, and their passports were confiscated."}, false},
		{"hotel in sihanoukville", ad.Raw{Title: "Night auditor, Sihanoukville", Company: "Sea Breeze Hotel Co., Ltd.", Body: "USD 380 a month and service charge, NSSF, a year in hotels. Come to the hotel HR desk or send an email."}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(&tc.ad)
			if v.Flagged != tc.flagged {
				t.Errorf("flagged %v (score %v, %s), want %v", v.Flagged, v.Score, strings.Join(hitRules(v), " "), tc.flagged)
			}
		})
	}
}

// TestShippedPackOnChallengeAds classifies testdata/challenge.jsonl: 71,483
// ads in ten languages (and a few hundred in Cebuano and romanised South
// Asian languages), written from the authorities' descriptions of lures
// by people who had not read the rules, in sets of about a hundred on one
// theme each (the commits that add them name the themes). About half are
// lures and general job frauds, each language's in several styles: job
// posts and digests, private messages, lures posing as warnings, the
// compounds' corporate postings, frauds on job boards. The rest are
// their hard look-alikes: jobs in the same towns, licensed programmes,
// call-centre jobs, warnings, news, survivors' stories and workers
// asking whether an offer is a scam. No more than one lure in fifty may
// be missed, nor one look-alike in twenty flagged; the log names each
// one that is.
func TestShippedPackOnChallengeAds(t *testing.T) {
	checkLabelledAds(t, "challenge.jsonl", bar{1, 50}, bar{1, 20})
}

// TestShippedPackOnLuresDressedAsWarnings classifies
// testdata/warning-dressed.jsonl: the hardest class, kept apart so that
// its weaker figures neither hide in nor hold back the challenge set.
// Half are recruiters' posts that open as a warning, a survivor's story
// or an admin's notice and end in the poster's own job; half are the
// genuine warnings, news and stories that quote the same lures' words
// to warn and offer nothing, in all ten languages, written the same way as
// the challenge set. What tells them apart is who speaks and whether the
// post ends in its own offer. No more than three lures in ten may be
// missed, nor one look-alike in five flagged; the log names each one.
func TestShippedPackOnLuresDressedAsWarnings(t *testing.T) {
	checkLabelledAds(t, "warning-dressed.jsonl", bar{3, 10}, bar{1, 5})
}

// TestShippedPackOnQuietMessages classifies testdata/quiet-messages.jsonl:
// Burmese, Lao, Thai, Khmer, Vietnamese, Indonesian and Chinese messages
// from relatives, friends and "bosses" already abroad ("my boss needs two
// more people", "the company pays the road") that name no place, no pay
// and no channel, beside the same people's ordinary messages about real
// jobs and family news. Written the same way as the challenge set, they
// are kept apart because the rules catch them least: a lure that says
// nothing a rule can read is told from a cousin's news only by who is
// asked to come. The bars hold the pack to what it does now: no more than
// one lure in two missed, nor one ordinary message in eight flagged.
func TestShippedPackOnQuietMessages(t *testing.T) {
	checkLabelledAds(t, "quiet-messages.jsonl", bar{1, 2}, bar{1, 8})
}

// bar is the most a test allows: n in every d.
type bar struct{ n, d int }

func (b bar) exceededBy(count, of int) bool { return count*b.d > of*b.n }

// checkLabelledAds classifies a labelled JSON-lines file from testdata
// with the shipped pack and fails when more lures are missed, or more
// look-alikes flagged, than the bars allow.
func checkLabelledAds(t *testing.T, file string, missedBar, flaggedBar bar) {
	c := shippedClassifier(t)
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var legit, falsePos, scams, missed int
	err = ReadJSONLines(f, func(line int, data []byte) error {
		var r struct {
			ID, Label, Lang, Title, Body, Location, Salary, Company string
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return err
		}
		v := c.Classify(&ad.Raw{ID: r.ID, Title: r.Title, Body: r.Body, Location: r.Location, Salary: r.Salary, Company: r.Company, Lang: r.Lang})
		switch r.Label {
		case "scam":
			scams++
			if !v.Flagged {
				missed++
				t.Logf("%s (%s): lure not flagged, score %v, hits %s", r.ID, r.Lang, v.Score, strings.Join(hitRules(v), " "))
			}
		case "legit":
			legit++
			if v.Flagged {
				falsePos++
				t.Logf("%s (%s): look-alike flagged, score %v, hits %s", r.ID, r.Lang, v.Score, strings.Join(hitRules(v), " "))
			}
		default:
			t.Errorf("%s: label %q", r.ID, r.Label)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scams < 60 || legit < 60 {
		t.Fatalf("%s has %d lures and %d look-alikes, want 60 of each at least", file, scams, legit)
	}
	if missedBar.exceededBy(missed, scams) {
		t.Errorf("%s: %d of %d lures missed, want at most %d in %d", file, missed, scams, missedBar.n, missedBar.d)
	}
	if flaggedBar.exceededBy(falsePos, legit) {
		t.Errorf("%s: %d of %d look-alikes flagged, want at most %d in %d", file, falsePos, legit, flaggedBar.n, flaggedBar.d)
	}
}

// TestRuleNeedsNeverSkipAFiringRule: a rule whose keywords did not match
// is passed over without being evaluated; that must never skip a rule
// that would have fired. Every rule of the shipped and the fixture pack
// is evaluated on the project's own ads and every rule example.
func TestRuleNeedsNeverSkipAFiringRule(t *testing.T) {
	fixture, _ := newFixture(t, nil)
	for name, c := range map[string]*Classifier{"shipped": shippedClassifier(t), "fixture": fixture} {
		t.Run(name, func(t *testing.T) { checkRuleNeeds(t, c) })
	}
}

func checkRuleNeeds(t *testing.T, c *Classifier) {
	l := c.cur.Load()
	var texts []ad.Raw
	data, err := os.ReadFile(filepath.Join("testdata", "verdicts", "ads.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r ad.Raw
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, r)
	}
	for _, rl := range l.p.rules {
		for _, ex := range append(append([]Example(nil), rl.match...), rl.noMatch...) {
			texts = append(texts, ad.Raw{Title: ex.Title, Body: ex.Text})
		}
	}
	st := newAdState(l.p)
	fired, skipped := 0, 0
	for i := range texts {
		r := &texts[i]
		st.reset()
		st.src = [nFields]string{r.Title, r.Body, r.Location, r.Salary, r.Company}
		st.scan()
		extractContacts(st)
		extractSalary(st, defaultRates, "en")
		for _, rl := range l.p.rules {
			st.spans = st.spans[:0]
			met := rl.needs.met(st)
			if !met {
				skipped++
			}
			if st.eval(rl.root) {
				fired++
				if !met {
					t.Errorf("rule %s fires on %q but its needs (%v) say it cannot", rl.id, r.Title+" "+r.Body, rl.needs.lists)
				}
			}
		}
	}
	if fired == 0 || skipped == 0 {
		t.Errorf("%d rules fired and %d were skipped: the test shows nothing", fired, skipped)
	}
}

// TestScanAgreesFieldByField: the scan reads all fields at once and
// drops matches whose word boundaries fail as it finds them; what it
// files must be exactly what scanning each field alone and checking
// afterwards files, the way matches were always read, up to the limit of
// matches an ad may have and past it.
func TestScanAgreesFieldByField(t *testing.T) {
	c := shippedClassifier(t)
	p := c.cur.Load().p
	data, err := os.ReadFile(filepath.Join("testdata", "verdicts", "ads.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var ads []ad.Raw
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r ad.Raw
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		ads = append(ads, r)
	}
	// Floods of matches around the limit, many failing their word
	// boundaries ("wa" inside "swap"), some not.
	for _, n := range []int{3000, 6600, 6700, 9000} {
		ads = append(ads, ad.Raw{Title: "visa swap", Body: strings.Repeat("swap wa visa ", n), Location: "tele wa"})
	}
	joined, alone := newAdState(p), newAdState(p)
	for i := range ads {
		r := &ads[i]
		for _, st := range []*adState{joined, alone} {
			st.reset()
			st.src = [nFields]string{r.Title, r.Body, r.Location, r.Salary, r.Company}
		}
		joined.scan()
		for f := range nFields {
			alone.norm.normalize(&alone.f[f], alone.src[f])
		}
		alone.scanFieldByField()
		alone.countChannelWords()
		if !slices.Equal(joined.matches, alone.matches) || !slices.Equal(joined.listHead, alone.listHead) ||
			!slices.Equal(joined.linkNext, alone.linkNext) || !slices.Equal(joined.linkMatch, alone.linkMatch) ||
			!slices.Equal(joined.placeHits, alone.placeHits) || !slices.Equal(joined.jobHits, alone.jobHits) ||
			!slices.Equal(joined.channelHits, alone.channelHits) || !slices.Equal(joined.natHits, alone.natHits) ||
			!slices.Equal(joined.langHits, alone.langHits) || joined.channels != alone.channels || joined.capped != alone.capped {
			t.Fatalf("ad %d (%.60q): the joined scan files %d matches (capped %v), field by field %d (capped %v)",
				i, r.Title+" "+r.Body, len(joined.matches), joined.capped, len(alone.matches), alone.capped)
		}
	}
}

// TestBigPackCutsKeywordsShorter builds a pack whose keywords, held to
// maxKeywordPrefix bytes, need more states than the full table has: the
// automaton holds less of each keyword instead, stays in the full table,
// and still tells keywords that share their first bytes apart.
func TestBigPackCutsKeywordsShorter(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	word := func() string {
		b := make([]byte, 24)
		for i := range b {
			b[i] = 'a' + byte(rng.IntN(26))
		}
		return string(b)
	}
	kws := make([]string, 12000)
	for i := range kws {
		kws[i] = word()
	}
	// Two keywords the same to their 20th byte, which no cut tried holds.
	twin := kws[0][:20] + "zzzz"
	kws = append(kws, twin)
	var yaml strings.Builder
	yaml.WriteString("rules:\n  - id: many-words\n    weight: 1\n    category: job-fraud\n    description: Any of many long words.\n    when:\n      keywords:\n        en: [")
	yaml.WriteString(strings.Join(kws, ", "))
	yaml.WriteString("]\n    examples: {match: [" + kws[1] + "]}\n")
	c, err := packOf(t, yaml.String())
	if err != nil {
		t.Fatal(err)
	}
	p := c.cur.Load().p
	if p.ac.full == nil {
		t.Fatalf("%d states: the automaton fell back to the sparse table", p.ac.nStates)
	}
	if p.keywordPrefix >= maxKeywordPrefix {
		t.Fatalf("keywords held to %d bytes in %d states; want a shorter cut", p.keywordPrefix, p.ac.nStates)
	}
	t.Logf("keywords held to %d bytes: %d states", p.keywordPrefix, p.ac.nStates)
	tests := []struct {
		body string
		want []string // the keywords the hit's spans show
	}{
		{"apply: " + kws[4321] + " today", []string{kws[4321]}},
		{"apply: " + twin + " today", []string{twin}},
		{"apply: " + kws[0][:20] + "yyyy today", nil},
		{"apply: " + kws[9][:maxKeywordPrefix] + " today", nil},
	}
	for _, tc := range tests {
		v := c.Classify(&ad.Raw{Body: tc.body})
		var got []string
		for _, h := range v.Hits {
			for _, s := range h.Spans {
				got = append(got, s.Text)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: matched %q, want %q", tc.body, got, tc.want)
		}
	}
}
