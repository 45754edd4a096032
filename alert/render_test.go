package alert

import (
	"strings"
	"testing"
	"time"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func TestRenderLanguages(t *testing.T) {
	ren, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	n := testNotification(newItem(flagged("r1", nil), "http://ui.test", time.Now()))
	for lang, want := range map[string]string{
		"en":    "1 new suspicious job ad",
		"id":    "1 iklan lowongan kerja mencurigakan baru",
		"vi":    "1 tin tuyển dụng đáng ngờ mới",
		"tl":    "1 bagong kahina-hinalang job ad",
		"fil":   "1 bagong kahina-hinalang job ad",
		"th":    "ประกาศงานน่าสงสัยใหม่ 1 รายการ",
		"km":    "1 new suspicious job ad", // no Khmer templates yet: English
		"id-ID": "1 iklan lowongan kerja mencurigakan baru",
	} {
		rc := &Receiver{Name: "x", Language: lang, File: &FileConfig{Path: "x"}}
		if err := rc.compile(); err != nil {
			t.Fatal(err)
		}
		m, err := ren.render(n, rc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Subject, want) || !strings.Contains(m.Text, want) {
			t.Errorf("%s: subject %q", lang, m.Subject)
		}
	}
	for _, lang := range Languages() {
		for k := range catalog["en"] {
			if _, ok := catalog[lang][k]; !ok && !strings.HasSuffix(k, "_one") {
				t.Errorf("language %s lacks %q", lang, k)
			}
		}
	}
}

func TestSnippet(t *testing.T) {
	text := strings.Repeat("x ", 50) + "gaji besar di Kamboja, tanpa pengalaman\n\nhubungi kami" + strings.Repeat(" y", 50)
	i := strings.Index(text, "Kamboja")
	b, m, a := snippet(text, ad.Span{OrigStart: i, OrigEnd: i + len("Kamboja"), Text: "Kamboja"})
	if m != "Kamboja" || !strings.HasPrefix(b, "…") || !strings.HasSuffix(b, "gaji besar di ") || !strings.HasPrefix(a, ", tanpa pengalaman hubungi") || !strings.HasSuffix(a, "…") {
		t.Errorf("snippet = %q [%q] %q", b, m, a)
	}
	// Offsets that do not fit the text fall back to the span's own text.
	b, m, a = snippet("short", ad.Span{OrigStart: 3, OrigEnd: 40, Text: "the words"})
	if b != "" || m != "the words" || a != "" {
		t.Errorf("bad offsets gave %q [%q] %q", b, m, a)
	}
}

func TestRenderNewAndReposts(t *testing.T) {
	ren, _ := newRenderer()
	now := time.Now()
	fresh := newItem(flagged("new1", nil), "http://ui.test", now)
	re1 := newItem(flagged("re1", nil), "http://ui.test", now)
	re1.Thread, re1.ThreadTitle, re1.ThreadLink, re1.Shared = "old", "The earlier ad", "http://ui.test/ads/old", "telegram @hr"
	re2 := newItem(flagged("re2", nil), "http://ui.test", now)
	re2.Thread, re2.ThreadTitle, re2.ThreadLink, re2.Shared = "old", "The earlier ad", "http://ui.test/ads/old", "text"
	rc := &Receiver{Name: "x", File: &FileConfig{Path: "x"}}
	if err := rc.compile(); err != nil {
		t.Fatal(err)
	}
	m, err := ren.render(testNotification(re1, fresh, re2), rc)
	if err != nil {
		t.Fatal(err)
	}
	want := "Original ad: http://board.test/jobs/new1\n\nEarlier alert: The earlier ad\n  Seen again in 2 new ads (same contact: telegram @hr; same text)\n  Open in lurewatch: http://ui.test/ads/old\n    - [high] Customer service staff in Sihanoukville re1 http://ui.test/ads/re1\n    - [high] Customer service staff in Sihanoukville re2 http://ui.test/ads/re2\n\n--\n"
	if !strings.Contains(m.Text, want) || !strings.HasPrefix(m.Subject, "[lurewatch] 1 new suspicious job ad") {
		t.Errorf("text:\n%s\nwant it to contain:\n%s", m.Text, want)
	}
	if !strings.Contains(m.HTML, `<a href="http://ui.test/ads/old">The earlier ad</a>`) {
		t.Errorf("HTML lacks the thread link:\n%s", m.HTML)
	}
}
