package classifier

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func normalizeString(known map[string]bool, s string) normalized {
	var d normalized
	newNormalizer(known).normalize(&d, s)
	return d
}

func TestNormalizeUndoesObfuscation(t *testing.T) {
	known := map[string]bool{"telegram": true, "whatsapp": true}
	tests := []struct {
		name, in, want string
		obfuscated     bool
	}{
		{"case and NFKC", "ＴＥＬＥＧＲＡＭ Ｈｉｒｉｎｇ", "telegram hiring", true},
		{"zero width inside a word", "Tele\u200bgram", "telegram", true},
		{"cyrillic look-alikes", "Tеlеgrаm", "telegram", true},
		{"greek look-alikes", "Τelegrαm", "telegram", true},
		{"mathematical letters", "𝐓𝐞𝐥𝐞𝐠𝐫𝐚𝐦", "telegram", true},
		{"leetspeak in a known word", "Te1egram or wh@tsapp", "telegram or whatsapp", true},
		{"leetspeak left alone elsewhere", "b2b and 4u", "b2b and 4u", false},
		{"letters split by dots", "T.e.l.e.g.r.a.m", "telegram", true},
		{"letters split by spaces and emoji", "T e l e g r a m ✨ @jobs", "telegram @jobs", true},
		{"two capitals split", "W A 0917", "wa 0917", false},
		{"an app's name split into syllables", "te-le-gram: hr_88, Whats.App or we_chat", "telegram: hr_88, whatsapp or wechat", false},
		{"hyphenated words that are no app's name stay", "e-mail, web-site, part-time, tele-sales", "e-mail, web-site, part-time, tele-sales", false},
		{"capitals that end and start words", "THUÊ TÀI KHOẢN NGÂN HÀNG, CẦN GẤP", "thuê tài khoản ngân hàng, cần gấp", false},
		{"letters split beside other scripts", "ติดต่อ T.e.l.e.g.r.a.m หรือ L I N E", "ติดต่อ telegram หรือ line", true},
		{"abbreviations stay", "i.e. the job", "i.e. the job", false},
		{"phone split by spaces", "W A + 8 5 5 · 1 2 · 3 4 5 · 6 7 8 9", "wa +855123456789", false},
		{"local phone split by dashes", "0 8 5 7 – 1 2 3 4 – 9 8 7 6", "085712349876", false},
		{"amounts spread one digit at a time", "ខែ 1 0 0 0 $ ជាង, 1 , 2 0 0 $ - 2 , 0 0 0 $", "ខែ 1000 $ ជាង, 1,200 $ - 2,000 $", false},
		{"lone digits with words between stay", "1 or 2 days, 3 0 and 1 000 000", "1 or 2 days, 3 0 and 1 000 000", false},
		{"chinese numerals of pay", "月入两三万，底薪八千五，年薪二十五万 一万五元 十五万", "月入2-3万,底薪8千5,年薪25万 1万5元 15万", false},
		{"chinese numerals that are not pay", "两万一个月 一起 统一 千万不要 十万火急 一千万", "2万一个月 一起 统一 千万不要 十万火急 一千万", false},
		{"thai, lao, khmer and burmese amounts in words", "สามหมื่นห้า ໜຶ່ງແສນສອງໝື່ນ ប្រាំរយដុល្លារ ဆယ့်ငါးသိန်း 3 หมื่น 5 บาท", "3.5หมื่น 1.2ແສນ 500ដុល្លារ 15သိန်း 3.5หมื่น บาท", false},
		{"number words that are not amounts", "สามหมื่นหกวัน แสนง่าย សែនស្រួល ร้อยเปอร์เซ็นต์ 3 หมื่น 1.5 ล้าน ร้อยเอ็ด", "3หมื่นหกวันแสนง่าย សែនស្រួល ร้อยเปอร์เซ็นต์ 3 หมื่น 1.5 ล้านร้อยเอ็ด", false},
		{"amounts are not phones", "LAK 2.800.000 – 3.900.000", "lak 2.800.000 - 3.900.000", false},
		{"keycap digits", "Aged 1️⃣9️⃣–2️⃣9️⃣", "aged 19-29", false},
		{"digits as words", "WA zero nine one seven, two two four", "wa 0917224", false},
		{"digits as words in tagalog", "sero siyam isa pito", "0917", false},
		{"few number words stay", "one or two days", "one or two days", false},
		{"thai and khmer digits", "อายุ ๑๘ ឆ្នាំ ១៨", "อายุ 18 ឆ្នាំ 18", false},
		{"decomposed vietnamese", "Khoˆng", "khoˆng", false},
		{"combining marks compose", "Kho\u0302ng ca\u0302\u0300n", "không cần", false},
		{"traditional chinese", "護照 機票 緬甸", "护照 机票 缅甸", false},
		{"traditional chinese beyond the common words", "實名手機卡 高價收購 臺灣 擔保 詐騙園區 綁架", "实名手机卡 高价收购 台湾 担保 诈骗园区 绑架", false},
		{"invalid utf-8", "ab\xffcd", "ab cd", false},
		{"flags read as country codes", "🇰🇭 CS job 🇲🇲🇹🇭 border🇱🇦 now", "flagkh cs job flagmm flagth border flagla now", false},
		{"letters of unspaced scripts split by dots or dashes", "ຕົ້ນເ.ຜິ້.ງ แ-ช-ร์-ลู-ก-โ-ซ่ 金.三.角 มิ.ย.", "ຕົ້ນເຜິ້ງ แชร์ลูกโซ่ 金三角 มิย.", false},
		{"a mark beside a space, a digit or another script stays", "ไทย-Lao, 3.5 ล้าน, ก. - ข.", "ไทย-lao, 3.5 ล้าน, ก. - ข.", false},
		{"a lone regional indicator is a symbol", "job \U0001F1F0 now", "job now", false},
		{"spaces inside Thai, Lao and Khmer phrases", "หางาน ออนไลน์ ບໍ່ມີ ພາສປອດ ກໍ່ ໄປ ໄດ້ ការងារ អនឡាញ", "หางานออนไลน์ ບໍ່ມີພາສປອດກໍ່ໄປໄດ້ ការងារអនឡាញ", false},
		{"spaces beside another script, a digit or in Burmese stay", "ວຽກ admin ไทย ລາວ อายุ ๑๘ ပတ်စပို့ မလို", "ວຽກ admin ไทย ລາວ อายุ 18 ပတ်စပို့ မလို", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := normalizeString(known, tc.in)
			if got := string(d.text); got != tc.want {
				t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if (d.obfuscated > 0) != tc.obfuscated {
				t.Errorf("obfuscated = %d, want >0: %v", d.obfuscated, tc.obfuscated)
			}
			checkMapping(t, tc.in, d)
		})
	}
}

func TestNormalizeMapsSpansBackToTheOriginal(t *testing.T) {
	known := map[string]bool{"telegram": true}
	tests := []struct{ in, find, wantOrig string }{
		{"Write to T.e.l.e.g.r.a.m today", "telegram", "T.e.l.e.g.r.a.m"},
		{"Contact ＴＥＬＥＧＲＡＭ!", "telegram", "ＴＥＬＥＧＲＡＭ"},
		{"Chưa có kinh nghiệm", "kinh nghiệm", "kinh nghiệm"},
		{"Go to Tele\u200bgram", "telegram", "Tele\u200bgram"},
		{"Te1egram", "telegram", "Te1egram"},
		{"DM on te-le-gram now", "telegram", "te-le-gram"},
		{"北京 護照", "护照", "護照"},
		// A range the first pass joined, then a second amount: each
		// rewritten amount maps back to its own words.
		{"เดือนละหมื่นสอง-สองหมื่น โบนัส 3 หมื่น 5 บาท", "3.5หมื่น", "3 หมื่น 5"},
	}
	for _, tc := range tests {
		d := normalizeString(known, tc.in)
		i := strings.Index(string(d.text), tc.find)
		if i < 0 {
			t.Fatalf("%q: %q not in %q", tc.in, tc.find, d.text)
		}
		os, oe := d.origSpan(tc.in, i, i+len(tc.find))
		if got := tc.in[os:oe]; got != tc.wantOrig {
			t.Errorf("%q: span of %q maps to %q, want %q", tc.in, tc.find, got, tc.wantOrig)
		}
	}
}

// checkMapping verifies the invariants every normalisation keeps.
func checkMapping(t *testing.T, in string, d normalized) {
	t.Helper()
	if len(d.text) > 0 && (len(d.segs) == 0 || d.segs[0].at != 0) {
		t.Fatalf("%q: the first segment of %v does not start the text", in, d.segs)
	}
	prev := int32(0)
	for i, o := range d.origs() {
		if o < prev || int(o) >= len(in) {
			t.Fatalf("offset %d of %q is %d (previous %d, input %d bytes)", i, in, o, prev, len(in))
		}
		prev = o
	}
	if !utf8.Valid(d.text) {
		t.Fatalf("normalised %q is not valid UTF-8", d.text)
	}
	if len(d.text) > 0 {
		os, oe := d.origSpan(in, 0, len(d.text))
		if os < 0 || oe > len(in) || os > oe {
			t.Fatalf("whole span maps to [%d,%d) of %d bytes", os, oe, len(in))
		}
	}
}

// FuzzNormalize checks that no input crashes the normaliser or breaks the
// way back to the original. The seeds (testdata/fuzz/FuzzNormalize and
// those below) run with the ordinary tests.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", "T.e.l.e.g.r.a.m", "wh@tsapp te1egram", "+ 8 5 5 · 1 2", "e\u0301\u0301\u0301", "\u0301leading mark",
		"\xff\xfe\xfd", "1️⃣8️⃣", "ＴＧ：＠ｈｒ", "İstanbul", "ﷺ ﬃ ㍻", "a b c d e f g h i j k l m n o p q r s t u v w x y z",
		strings.Repeat("0 ", 40), "t.me/ + abc", "🅣🅔🅛🅔", "ក្រុងព្រះសីហនុ ១៨", "မြဝတီ ၀၉",
	} {
		f.Add(s)
	}
	known := map[string]bool{"telegram": true, "whatsapp": true}
	f.Fuzz(func(t *testing.T, in string) {
		d := normalizeString(known, in)
		checkMapping(t, in, d)
		for i := 0; i < len(d.text); i++ {
			for j := i + 1; j <= len(d.text) && j < i+8; j++ {
				os, oe := d.origSpan(in, i, j)
				if os > oe || oe > len(in) {
					t.Fatalf("span [%d,%d) maps to [%d,%d) of %d bytes", i, j, os, oe, len(in))
				}
			}
		}
	})
}

// TestNormalizeReusesBuffers normalises many texts of many lengths with
// one normalizer and one destination, as the pooled per-ad state does:
// the buffers a text leaves behind must never change the next result nor
// be too short for it.
// origs is the way back to the original byte by byte: origs()[i] is the
// offset of the rune text[i] came from.
func (d *normalized) origs() []int32 {
	out := make([]int32, len(d.text))
	for i := range out {
		out[i] = int32(d.origAt(i))
	}
	return out
}

func TestNormalizeReusesBuffers(t *testing.T) {
	known := map[string]bool{"telegram": true, "whatsapp": true}
	pieces := []string{
		"T.e.l.e.g.r.a.m", "wh@tsapp", "te1egram", "+ 8 5 5 · 9 7 · 0 0 0 · 4 4 6 8", "zero nine one seven two two",
		"ＴＧ：＠ｈｒ", "ﷺ", "½", "e\u0301", "Kho\u0302ng", "\xff", "1️⃣8️⃣", "🅣🅔🅛", "護照", "ក្រុងព្រះសីហនុ", "Tеlеgrаm",
		"salary", "gaji 19 juta", "   ", "\n", "W A", "i.e.", "3.500.000", "ǆ", "ﬃ", "㍻", "\u200b",
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	n := newNormalizer(known)
	var ds [nFields]normalized
	for i := range 3000 {
		d := &ds[i%nFields]
		var b strings.Builder
		for k := rnd.IntN(200); k > 0; k-- {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
			if rnd.IntN(3) == 0 {
				b.WriteByte(' ')
			}
		}
		in := b.String()
		n.normalize(d, in)
		want := normalizeString(known, in)
		if string(d.text) != string(want.text) || !slices.Equal(d.origs(), want.origs()) || d.obfuscated != want.obfuscated ||
			d.invalid != want.invalid || d.longDigits != want.longDigits {
			t.Fatalf("normalising %q after other texts gave %q, alone %q", in, d.text, want.text)
		}
	}
}

// TestDecodeRune checks the in-line decoding of three-byte runes against
// the standard library, on every lead byte with every second byte.
func TestDecodeRune(t *testing.T) {
	for c0 := 0xC0; c0 < 0x100; c0++ {
		for c1 := 0x70; c1 < 0xD0; c1++ {
			for _, c2 := range []byte{0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0} {
				s := string([]byte{'x', byte(c0), byte(c1), c2})
				for _, end := range []int{2, 3, 4} {
					r, n := decodeRune(s[:end], 1)
					wr, wn := utf8.DecodeRuneInString(s[1:end])
					if r != wr || n != wn {
						t.Fatalf("% x: %U %d, want %U %d", s[1:end], r, n, wr, wn)
					}
					if r, n := decodeRuneBytes([]byte(s[:end]), 1); r != wr || n != wn {
						t.Fatalf("% x as bytes: %U %d, want %U %d", s[1:end], r, n, wr, wn)
					}
				}
			}
		}
	}
}

// pass2Ref is the second pass as first written, one byte at a time: the
// definition the pass over token bits must agree with.
func (n *normalizer) pass2Ref(dst *normalized, src string) ([]byte, []int32) {
	t, dense := dst.text, dst.origs()
	n.edits, n.replText, n.replSrc = n.edits[:0], n.replText[:0], n.replSrc[:0]
	dst.longDigits = false
	for i := 0; i < len(t); {
		k := byteClass[t[i]]
		if k == clOther {
			i++
			continue
		}
		start := i
		digits := 0
		for i < len(t) && (byteClass[t[i]] == clLetter || byteClass[t[i]] == clDigit) {
			if byteClass[t[i]] == clDigit {
				digits++
			}
			i++
		}
		letters := i - start - digits
		if k == clPlus {
			i = start + 1
		}
		if digits >= 9 && letters == 0 {
			dst.longDigits = true
		}
		next := start
		switch {
		case k == clDigit || k == clPlus:
			if start < 2 || !(t[start-1] == '.' || t[start-1] == ',' || t[start-1] == '-') || !isASCIIDigit(t[start-2]) {
				next = n.joinPhone(t, start)
				if next > start {
					dst.longDigits = true
				} else if k == clDigit {
					next = n.joinSpacedDigits(t, start)
				}
			}
		case i-start == 1:
			next = n.joinLetters(dst, t, src, start)
		case digits == 0 && numberWords[string(t[start:i])] != 0:
			next = n.joinNumberWords(t, start)
		case digits > 0 || i < len(t) && t[i] < 128 && leetFor[t[i]] != 0:
			next = n.unLeet(dst, t, start)
		}
		if next <= start && digits == 0 && i+1 < len(t) && strings.IndexByte(".-_*", t[i]) >= 0 && isASCIILetter(t[i+1]) {
			next = n.joinSyllables(t, start, i)
		}
		if next > i {
			i = next
		}
		if i == start {
			i++
		}
	}
	if slices.ContainsFunc(t, func(c byte) bool { return c >= utf8.RuneSelf }) {
		n.hanziAmounts(t)
		n.spelledAmounts(t)
		n.edits = sortedApart(n.edits)
	}
	if len(n.edits) == 0 {
		return t, dense
	}
	var out []byte
	var orig []int32
	prev := 0
	for _, e := range n.edits {
		out = append(out, t[prev:e.start]...)
		orig = append(orig, dense[prev:e.start]...)
		out = append(out, n.replText[e.rs:e.re]...)
		for _, s := range n.replSrc[e.rs:e.re] {
			orig = append(orig, dense[s])
		}
		prev = e.end
	}
	return append(out, t[prev:]...), append(orig, dense[prev:]...)
}

// TestSecondPassAgreesWithReference compares the second pass with its
// byte-by-byte definition on texts dense with what it rewrites: split
// letters, split phone numbers, digits as words, leetspeak, amounts,
// words of every length around the 64-byte blocks of the token bits.
func TestSecondPassAgreesWithReference(t *testing.T) {
	known := map[string]bool{"telegram": true, "whatsapp": true, "salary": true, "hello": true}
	pieces := []string{
		"a", "b", "i", "t", "e", "l", "g", "r", "m", "w", "x", "T.e.l.e.g.r.a.m", "W A", "W.A", "i.e.", "x-y-z", "t e l",
		"+", "+ 8 5 5", "0", "9", "08", "0812", "3456", "7890", "+63", "855", "3.500.000", "1,500", "12345678901", "1 0 0 0", "1 , 2 0 0", "两三万", "一万五", "十", "สาม", "หมื่น", "ห้า", "สิบ", "วัน", "ប្រាំ", "រយ", "ງ", "ແສນ",
		"one", "two", "three", "nine", "zero", "sero", "siyam", "isa", "dalawa", "tatlo", "delapan", "tiga", "lima", "empat",
		"te1egram", "wh@tsapp", "hell0", "$alary", "s@lary", "|ine", "5alary", "b2b", "4u", "abc!", "x1", "1x",
		"the", "salary", "hello", "extraordinarily", "ok", "on", "one-two-three", "one, two, three", "te-le-gram", "whats.app", "tele", "gram",
		" ", " ", " ", "  ", ".", ",", "-", "_", "*", "'", "\n", "@", "ก", "薪", "é", "ÂN", "HÀ", "NGÂN HÀNG",
	}
	r := rand.New(rand.NewPCG(13, 14))
	fast, ref := newNormalizer(known), newNormalizer(known)
	counted := 0
	for range 20000 {
		var b strings.Builder
		for k := r.IntN(60) + r.IntN(2)*r.IntN(200); k > 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		in := b.String()
		var got, want normalized
		fast.normalize(&got, in)
		ref.pass1(&want, in)
		wantText, wantOrig := ref.pass2Ref(&want, in)
		if string(got.text) != string(wantText) || !slices.Equal(got.origs(), wantOrig) || got.obfuscated != want.obfuscated || got.longDigits != want.longDigits {
			t.Fatalf("%q: second pass gives %q %v (obfuscated %d, long digits %v), byte by byte %q %v (%d, %v)",
				in, got.text, got.origs(), got.obfuscated, got.longDigits, wantText, wantOrig, want.obfuscated, want.longDigits)
		}
		if got.words >= 0 {
			counted++
			checkWords(t, in, &got)
		}
	}
	if counted == 0 {
		t.Error("no text had its words counted while it was normalised")
	}
}

// checkWords checks the words normalising counted against countTokens,
// and the runs of digits it found against the text.
func checkWords(t *testing.T, in string, d *normalized) {
	t.Helper()
	if want := countTokens(d.text, 0, len(d.text), len(d.text)); d.words >= 0 && d.words != want {
		t.Fatalf("%q: normalising counted %d words in %q, countTokens %d", in, d.words, d.text, want)
	}
	if d.headLetters >= 0 {
		var counts [6]int
		scriptCounts(d.text[:min(len(d.text), headBytes)], &counts)
		if counts != [6]int{d.headLetters} {
			t.Fatalf("%q: normalising counted %d letters at the head of %q, scriptCounts %v", in, d.headLetters, d.text, counts)
		}
	}
	if !d.digitRunsKnown {
		return
	}
	var want []int32
	for i, c := range d.text {
		if isASCIIDigit(c) && (i == 0 || !isASCIIDigit(d.text[i-1])) {
			want = append(want, int32(i))
		}
	}
	if !slices.Equal(d.digitRuns, want) {
		t.Fatalf("%q: normalising found runs of digits at %v in %q, want %v", in, d.digitRuns, d.text, want)
	}
}

// TestFirstPassAgreesWithReference compares the first pass, with its
// eight-byte and three-byte fast paths, with its first, rune-by-rune
// form on text that mixes plain and capital ASCII, runs of spaces,
// control bytes, runes of every length that fold and that do not,
// look-alikes, combining marks, and bytes that are not UTF-8.
func TestFirstPassAgreesWithReference(t *testing.T) {
	pieces := []string{
		"salary", "SALARY", "Telegram", " ", "  ", "   ", "\t", "\r\n", "\x00", "\x7f", "a", "Z", ".", "@",
		"é", "ǆ", "İ", "е", "Τ", "ｔｅｌ", "＠", "，", "。", "：", "（", "！", "1️⃣", "🅣", "\u200b", "\u00ad", "e\u0301", "\u0301", "a\u0302\u0300",
		"薪水", "護照", "ก", "ງ", "မ", "ក្រុង", "ﷺ", "㍻", "½", "\ue000", "\uffff", "\U0001F600", "\U0001D400", "🇰🇭", "🇲🇲🇹🇭", "\U0001F1F0", "ເ.ຜິ້", "ก-", "-ข", "金.三", "*", "_", "ງ ເ", "ก ข", "ក ខ", "ก ງ", "မ မ",
		"\xe0\xa0\x80", "\xe0\x9f\xbf", "\xed\x9f\xbf", "\xed\xa0\x80", "\xe4\xb8", "\xe4", "\xff", "\xc3", "\xf0\x9f",
	}
	r := rand.New(rand.NewPCG(15, 16))
	fast, ref := newNormalizer(nil), newNormalizer(nil)
	var got normalized
	var want denseText
	for range 20000 {
		var b strings.Builder
		for k := r.IntN(40); k > 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		in := b.String()
		got.invalid, got.obfuscated, want.invalid, want.obfuscated = 0, 0, 0, 0
		fast.pass1(&got, in)
		ref.pass1Ref(&want, in)
		if string(got.text) != string(want.text) || !slices.Equal(got.origs(), want.orig) || got.invalid != want.invalid || got.obfuscated != want.obfuscated {
			t.Fatalf("%q: first pass gives %q %v (invalid %d, obfuscated %d), rune by rune %q %v (%d, %d)",
				in, got.text, got.origs(), got.invalid, got.obfuscated, want.text, want.orig, want.invalid, want.obfuscated)
		}
	}
}

// denseText is a normalised text with its way back byte by byte, as the
// first pass first wrote it.
type denseText struct {
	text                []byte
	orig                []int32
	invalid, obfuscated int
}

// pass1Ref is the first pass as first written, rune by rune: the
// definition the fast paths must agree with.
func (n *normalizer) pass1Ref(dst *denseText, src string) {
	out, orig := dst.text[:0], dst.orig[:0]
	if cap(out) < len(src)+16 {
		out = make([]byte, 0, len(src)+len(src)/8+16)
		orig = make([]int32, 0, cap(out))
	}
	for i := 0; i < len(src); {
		// The ASCII run: no rune here grows, so it is written in place.
		if c := src[i]; c < utf8.RuneSelf {
			if c == '.' || c == '-' || c == '_' || c == '*' {
				prev, _ := utf8.DecodeLastRune(out)
				next, _ := utf8.DecodeRuneInString(src[i+1:])
				if len(out) > 0 && isUnspacedLetter(prev) && isUnspacedLetter(next) {
					i++
					continue
				}
			}
			if c == ' ' && len(out) > 0 {
				prev, _ := utf8.DecodeLastRune(out)
				next, _ := utf8.DecodeRuneInString(src[i+1:])
				if s := joinScript(prev); s != 0 && s == joinScript(next) {
					i++
					continue
				}
			}
			k := len(out)
			// The buffers may come from an earlier, differently shaped
			// text (pass two swaps them), so both are checked.
			if need := k + len(src) - i; cap(out) < need || cap(orig) < need {
				out = append(make([]byte, 0, need+64), out...)
				orig = append(make([]int32, 0, need+64), orig...)
			}
			o := out[:k+len(src)-i]
			g := orig[:k+len(src)-i]
			last := byte(0)
			if k > 0 {
				last = o[k-1]
			}
			for ; i < len(src); i++ {
				c := src[i]
				if c >= utf8.RuneSelf {
					break
				}
				f := asciiFold[c]
				// Runs of spaces read as one, so "processing   fee" is
				// "processing fee".
				if f == ' ' && last == ' ' {
					continue
				}
				o[k] = f
				g[k] = int32(i)
				k++
				last = f
			}
			out, orig = o[:k], g[:k]
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if cap(out)-len(out) < len(src)-i+64 {
			out = append(make([]byte, 0, 2*cap(out)+len(src)-i+64), out...)
			orig = append(make([]int32, 0, cap(out)), orig...)
		}
		if r == utf8.RuneError && size == 1 {
			out = append(out, ' ')
			orig = append(orig, int32(i))
			dst.invalid++
			i++
			continue
		}
		if r >= 0x0300 && r <= 0x036F {
			// Combining marks: compose them with the rune before, as
			// NFKC would, so "e\u0301" and "é" read the same.
			j := i + size
			for j < len(src) {
				r2, s2 := utf8.DecodeRuneInString(src[j:])
				if r2 < 0x0300 || r2 > 0x036F {
					break
				}
				j += s2
			}
			k := len(orig)
			if k > 0 {
				base := orig[k-1]
				for k > 0 && orig[k-1] == base {
					k--
				}
				_, bs := utf8.DecodeRuneInString(src[base:])
				if int(base)+bs == i {
					out, orig = out[:k], orig[:k]
					for _, cr := range norm.NFC.String(src[base:j]) {
						out, orig = emitRef(n, out, orig, cr, base)
					}
				}
			}
			i = j
			continue
		}
		if r2, s2 := utf8.DecodeRuneInString(src[i+size:]); isRegionalIndicator(r) && isRegionalIndicator(r2) {
			if len(out) > 0 && out[len(out)-1] != ' ' {
				out, orig = append(out, ' '), append(orig, int32(i))
			}
			out = append(out, 'f', 'l', 'a', 'g', byte('a'+r-0x1F1E6), byte('a'+r2-0x1F1E6), ' ')
			orig = append(orig, int32(i), int32(i), int32(i), int32(i), int32(i), int32(i+size), int32(i+size))
			i += size + s2
			continue
		}
		s, ok := n.fold.lookup(r)
		switch {
		case !ok:
			out = append(out, src[i:i+size]...)
			for k := 0; k < size; k++ {
				orig = append(orig, int32(i))
			}
		case s == " " && len(out) > 0 && out[len(out)-1] == ' ':
		default:
			if obfuscatingRef(r, out, src, i+size) {
				dst.obfuscated++
			}
			out = append(out, s...)
			for k := 0; k < len(s); k++ {
				orig = append(orig, int32(i))
			}
		}
		i += size
	}
	dst.text, dst.orig = out, orig
}

func obfuscatingRef(r rune, out []byte, src string, next int) bool {
	switch {
	case r >= 0xFF21 && r <= 0xFF3A, r >= 0xFF41 && r <= 0xFF5A, r == 0xFF20,
		r >= 0x1D400 && r <= 0x1D7FF, r >= 0x1F150 && r <= 0x1F189:
		return true
	}
	_, look := lookAlikes[r]
	if !look && !isInvisible(r) {
		if r < 0x400 || r > 0x4FF {
			return false
		}
		_, look = lookAlikes[r+0x20] // upper-case Cyrillic
		if !look {
			return false
		}
	}
	before := len(out) > 0 && isASCIILetter(out[len(out)-1])
	after := next < len(src) && isASCIILetter(src[next]|0x20)
	return before && after || look && (before || after)
}

func emitRef(n *normalizer, out []byte, orig []int32, r rune, at int32) ([]byte, []int32) {
	var s string
	if r < utf8.RuneSelf {
		out = append(out, asciiFold[r])
		return out, append(orig, at)
	}
	if f, ok := n.fold.lookup(r); ok {
		s = f
	} else {
		s = string(r)
	}
	out = append(out, s...)
	for range len(s) {
		orig = append(orig, at)
	}
	return out, orig
}

// TestFoldBitmapMatchesTable: the bitmap the first pass tests runes of
// three bytes against must say exactly which runes have an entry.
func TestFoldBitmapMatchesTable(t *testing.T) {
	ft := theFoldTable()
	for r := rune(0); r < 0x10000; r++ {
		if got, want := ft.foldsBMP(r), ft.entry(r) != 0; got != want {
			t.Fatalf("%U: bitmap says %v, table %v", r, got, want)
		}
	}
}

// FuzzNormalizeAgreesWithReference runs the whole normaliser, fast paths,
// token bits and segments, against its first form, rune by rune and
// byte by byte with a byte-by-byte way back, on any text. The seeds run
// with the ordinary tests.
func FuzzNormalizeAgreesWithReference(f *testing.F) {
	for _, s := range []string{
		"", "T.e.l.e.g.r.a.m @ pp_team", "wh@tsapp te1egram hell0", "+ 8 5 5 · 1 2 · 3 4 5 · 6 7 8 9", "e\u0301\u0301 Kho\u0302ng",
		"\xff\xfe ab\xc0cd", "1️⃣8️⃣ zero nine one seven two", "ＴＧ：＠ｈｒ Tеlеgrаm", "W A 0917  i.e.  x\ty", "薪水 护照,護照。 3.500.000",
		"ក្រុងព្រះសីហនុ ១៨ ﷺ ½", strings.Repeat("a b ", 40) + "one two three4",
	} {
		f.Add(s)
	}
	known := map[string]bool{"telegram": true, "whatsapp": true, "hello": true}
	fast, ref := newNormalizer(known), newNormalizer(known)
	f.Fuzz(func(t *testing.T, in string) {
		var got normalized
		fast.normalize(&got, in)
		var d denseText
		ref.pass1Ref(&d, in)
		one := normalized{text: d.text, segs: denseSegs(d.orig), invalid: d.invalid, obfuscated: d.obfuscated}
		text, orig := ref.pass2Ref(&one, in)
		if string(got.text) != string(text) || !slices.Equal(got.origs(), orig) || got.invalid != one.invalid ||
			got.obfuscated != one.obfuscated || got.longDigits != one.longDigits {
			t.Fatalf("%q: normalised to %q %v (invalid %d, obfuscated %d, long digits %v), first form %q %v (%d, %d, %v)",
				in, got.text, got.origs(), got.invalid, got.obfuscated, got.longDigits, text, orig, one.invalid, one.obfuscated, one.longDigits)
		}
		checkWords(t, in, &got)
	})
}

// denseSegs turns a byte-by-byte way back into segments, a byte each.
func denseSegs(orig []int32) []seg {
	var segs []seg
	for i, o := range orig {
		segs = addSeg(segs, i, int(o), 1)
	}
	return segs
}
