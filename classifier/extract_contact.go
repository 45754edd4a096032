package classifier

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Contact channels an ad can name, for the contact_channels condition.
const (
	chTelegram = iota
	chWhatsApp
	chWeChat
	chLine
	chZalo
	chViber
	chMessenger // Facebook Messenger, "inbox", "DM", "PM"
	chSignal
	chPhone
	chEmail
	chURL      // a website, careers page or portal
	chInPerson // walk-in interviews, applying at the office
	nChannels
)

var channelNames = [nChannels]string{"telegram", "whatsapp", "wechat", "line", "zalo", "viber", "messenger", "signal", "phone", "email", "url", "in_person"}

func channelIndex(s string) int {
	for i, n := range channelNames {
		if n == s {
			return i
		}
	}
	return -1
}

// channelWords name each channel in the languages lures are posted in,
// including recruiters' slang ("飞机" for Telegram, "vx" for WeChat).
// They are matched as whole words like any keyword.
var channelWords = map[int][]string{
	chTelegram:  {"telegram", "tele", "tg", "t.me", "telegrame", "เทเลแกรม", "เทเลแกรม", "飞机", "纸飞机", "电报", "តេឡេក្រាម", "ເທເລແກຣມ", "တယ်လီဂရမ်", "ເທເລ", "เทเล"},
	chWhatsApp:  {"whatsapp", "whats app", "wa", "wa.me", "watsap", "wasap", "วอทส์แอพ", "ວັອດແອັບ"},
	chWeChat:    {"wechat", "weixin", "微信", "vx", "加v", "加微", "วีแชท"},
	chLine:      {"line id", "line:", "line.me", "ไลน์", "ทักไลน์", "ไลน์ไอดี", "ໄລນ໌", "ລາຍໄອດີ", "ທັກລາຍ", "ແອດລາຍ", "加line", "加赖", "私赖"},
	chZalo:      {"zalo"},
	chViber:     {"viber"},
	chMessenger: {"messenger", "inbox", "ib", "dm", "direct message", "私信", "私讯", "อินบ็อกซ์", "ทักแชท", "ทักเพจ", "ផ្ញើសារ", "ອິນບັອກ", "mesej", "nhắn tin", "nhắn tin page", "ib page", "chat admin", "pesan langsung", "message sa page"},
	chSignal:    {"signal app"},
	chPhone:     {"call us", "hotline", "tel:", "phone:", "电话", "致电", "โทร 0", "โทร.", "โทร:", "โทรหา", "โทรมา", "โทรแผนก", "เบอร์โทร", "điện thoại", "telepon", "telefon", "gọi/text", "call/text", "tawag", "លេខទូរស័ព្ទ", "ទូរស័ព្ទមក", "ទាក់ទងតាមទូរស័ព្ទ", "ໂທຫາ", "ໂທ:", "ເບີໂທ", "ໂທ 0", "ໂທ/", "โทรคุย", "ဖုန်းဆက်", "ဖုန်းနံပါတ်", "ဖုန်းခေါ်"},
	chEmail:     {"email", "e-mail", "emailing", "qua mail", "gửi mail", "邮箱", "邮件", "電郵", "อีเมล", "อีเมล์", "អ៊ីមែល", "ອີເມວ", "အီးမေးလ်", "surel", "e-mel", "#email_*"},
	chURL:       {"http*", "www.*", "website", "careers page", "career page", "career portal", "job portal", "portal", "官网", "官方网站", "招聘网站", "google form", "เว็บไซต์", "trang tuyển dụng", "laman kerjaya", "situs resmi", "#url_*"},
	chInPerson:  {"walk-in", "walk in", "on-site interview", "onsite interview", "interview at our office", "office interview", "face-to-face interview", "interview in person", "apply in person", "in person", "drop by", "visit our office", "at our office", "face-to-face", "datang langsung", "langsung datang", "langsung antar", "antar langsung", "datang ke kantor", "datang ke toko", "datang ke outlet", "datang ke resto", "dateng ke resto", "tes live di studio", "walk-in interview", "nộp trực tiếp", "phỏng vấn trực tiếp", "มาสมัคร", "สมัครด้วยตนเอง", "สมัครด้วยตัวเอง", "ป้อมหน้าโรงงาน", "到公司面试", "现场面试", "到店", "现场报名", "门口报名", "面试地址", "报名地址", "到厂面试", "来厂面试", "直接到厂", "直接来厂里", "来厂里看", "មកផ្ទាល់", "ມາຍື່ນ", "ကိုယ်တိုင်", "hadir temuduga", "temuduga terbuka", "sa aming opisina", "sa opisina", "adto sa balay", "adto lang sa", "anhi lang sa", "diretso na sa among office", "diretso sa among office", "datang terus ke", "datang terus atau", "boleh datang terus", "datang ke kedai", "datang kedai", "datang ke pejabat", "แวะมา", "มาคุยที่ร้าน", "มาสมัครที่ร้าน", "สัมภาษณ์ที่ออฟฟิศ", "สัมภาษณ์ที่สำนักงาน", "đến trực tiếp", "ghé quán", "qua quán", "ghé cửa hàng", "ghé kho", "ghé shop", "ghé trực tiếp", "tại cổng công ty", "tại cổng cty", "nộp tại cổng", "phỏng vấn tại cổng", "pv trực tiếp", "đến pv", "ghé xưởng", "pumunta sa tindahan", "dumaan sa tindahan", "ມາສະໝັກ", "လူကိုယ်တိုင်", "come by", "drop in", "មកសួរផ្ទាល់", "មកសួរនៅហាង", "មកហាងផ្ទាល់", "တိုက်ရိုက်လာမေး", "ဆိုင်ကို လာ", "တိုက်ရိုက်လာခဲ့", "ដាក់ពាក្យផ្ទាល់", "来站点", "到站点", "直接到园区", "带身份证直接到", "hẹn phỏng vấn", "hen phong van", "phong van truc tiep", "den truc tiep", "ketemuan", "ketemu langsung", "interview on the spot", "on-the-spot interview", "ចូលមកសម្ភាសន៍ផ្ទាល់", "ដាក់នៅការិយាល័យ", "អាចមកមើលបាន", "ມາສຳພາດທີ່ຮ້ານ", "ဆိုင်မှာ လာလုပ်", "ရုံးသို့ လာပါ", "ရုံးကို လာပါ", "ရုံးတွင်သာ အင်တာဗျူး", "ရုံးတွင် အင်တာဗျူး", "အင်တာဗျူး ရက် ချိန်း", "or come to", "来酒店面试", "到酒店面试", "来店面试", "ມາສຳພາດທີ່", "come to the shop", "come to our shop", "come to the store", "come to our store", "来店里", "到店里", "亲临", "親臨", "dtg aja ke", "datang aja ke", "langsung dtg", "adto diretso", "adto lang diretso"},
}

// extractContacts finds handles, numbers, addresses and links.
func extractContacts(st *adState) {
	for f := range nFields {
		extractContactsIn(st, &st.f[f], st.src[f], st.f[f].longDigits)
	}
	extractWrittenNumbers(st)
}

// extractWrittenNumbers reads the phone numbers written in numeral words
// just after a channel's name ("微信：幺三八零零…", "ໂທ: ສູນສອງສູນ…"): each
// is a contact, and a trick undone, as a split or leetspeak handle is.
func extractWrittenNumbers(st *adState) {
	for _, cue := range st.numberCues {
		st.writtenNumberAfter(cue, chPhone)
	}
	for _, h := range st.channelHits {
		st.writtenNumberAfter(h.span, int(h.id))
	}
}

// writtenNumberAfter reads a phone number written in numeral words just
// after the channel word or number cue at span, for channel kind.
func (st *adState) writtenNumberAfter(span spanRef, kind int) {
	t := st.f[span.field].text
	i := int(span.end)
	for s := 0; i < len(t) && s < 4 && (t[i] == ' ' || t[i] == ':' || t[i] == '-' || t[i] == '/'); s++ {
		i++
	}
	from := len(st.contactText)
	plus := i < len(t) && t[i] == '+'
	if plus {
		st.contactText = append(st.contactText, '+')
		i++
	}
	var words int
	st.contactText, words = numeralsAt(st.contactText, t, i)
	digits := st.contactText[from:]
	if plus {
		digits = digits[1:]
	}
	if words < 3 || !isPhoneNumber(string(digits), plus) {
		st.contactText = st.contactText[:from]
		return
	}
	name := "phone"
	if kind == chWhatsApp || kind == chLine || kind == chTelegram {
		name = channelNames[kind]
	}
	n := len(st.contactRefs)
	st.commitContact(name, from)
	if len(st.contactRefs) > n {
		st.channels |= 1 << kind
		st.obfuscation++
	}
}

// isPhoneNumber reports whether digits d (after a + when plus) can be a
// phone number: 9 to 15 digits, with a + or a 0 before them, a country
// code at their start, or the shape of a Chinese mobile number (11
// digits from 13 to 19).
func isPhoneNumber(d string, plus bool) bool {
	if len(d) < 9 || len(d) > 15 {
		return false
	}
	return plus || d[0] == '0' || hasPhoneCode(d) || len(d) == 11 && d[0] == '1' && d[1] >= '3'
}

// extractContactsIn finds contacts in one normalised text d of src.
func extractContactsIn(st *adState, d *normalized, src string, phones bool) {
	t := d.text
	{
		// @handles and e-mail addresses.
		for i := 0; i < len(t); {
			j := bytes.IndexByte(t[i:], '@')
			if j < 0 {
				break
			}
			at := i + j
			i = at + 1
			if at > 0 && isHandleByte(t[at-1]) {
				if d := domainAfter(t, at+1); d > at+1 {
					from := len(st.contactText)
					st.contactText = append(st.contactText, bytes.TrimSpace(t[localStart(t, at):d])...)
					st.commitContact("email", from)
					st.channels |= 1 << chEmail
					i = d
				}
				continue
			}
			from := len(st.contactText)
			var end int
			st.contactText, end = handleAfter(append(st.contactText, '@'), t, at+1)
			if len(st.contactText)-from-1 < 3 {
				st.contactText = st.contactText[:from]
				continue
			}
			kind := nearestChannel(t, at, -1)
			if kind < 0 {
				// "@ Upstream", "meet @ 5": an "@" set apart by a space,
				// with no channel named before it, stands for "at".
				// "from @example.com" names a mail domain: a Telegram
				// name has no dots.
				if at+1 < len(t) && t[at+1] == ' ' || domainAfter(t, at+1) > at+1 || isMention(d, src, at+1, end) {
					st.contactText = st.contactText[:from]
					continue
				}
				kind = chTelegram
			}
			st.commitContact(channelNames[kind], from)
			st.channels |= 1 << kind
			i = end
		}
		for _, link := range []struct {
			prefix string
			kind   int
		}{{"t.me/", chTelegram}, {"wa.me/", chWhatsApp}, {"line.me/", chLine}} {
			// The automaton has seen the link's words already; look for
			// the link itself only when it did.
			if st.channels&(1<<link.kind) == 0 {
				continue
			}
			for i := 0; ; {
				j := bytes.Index(t[i:], []byte(link.prefix))
				if j < 0 {
					break
				}
				i += j + len(link.prefix)
				from := len(st.contactText)
				var end int
				st.contactText, end = handleAfter(append(st.contactText, link.prefix...), t, i)
				if len(st.contactText)-from-len(link.prefix) >= 3 {
					st.commitContact(channelNames[link.kind], from)
					st.channels |= 1 << link.kind
					i = end
				} else {
					st.contactText = st.contactText[:from]
				}
			}
		}
		if phones {
			extractPhones(st, t)
		}
	}
}

// extractPhones records runs of 9 to 15 digits that look like phone
// numbers: starting with +, with 0, or with a country code. The
// normaliser has already joined numbers split by spaces.
func extractPhones(st *adState, t []byte) {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(isASCIIDigit(c) || c == '+') || (i > 0 && (isASCIIAlnum(t[i-1]) || t[i-1] == '.' || t[i-1] == ',')) {
			continue
		}
		j := i
		if c == '+' {
			j++
		}
		k := j
		for k < len(t) && isASCIIDigit(t[k]) {
			k++
		}
		if (k >= len(t) || !isASCIIAlnum(t[k])) && isPhoneNumber(string(t[j:k]), c == '+') {
			kind, at, end := nearestChannelAt(t, i, chPhone)
			name := "phone"
			if kind == chWhatsApp || kind == chLine || kind == chTelegram {
				name = channelNames[kind]
			}
			from := len(st.contactText)
			st.contactText = append(st.contactText, t[i:k]...)
			st.commitContact(name, from)
			st.channels |= 1 << kind
			// "Text/Viber 0917…", "Gọi/Zalo 098…", "WA/HP 0812…": the
			// number takes calls and texts too, a way to apply that is
			// not a chat app alone.
			if kind != chPhone && (phoneCued(t, max(0, at-phoneCueReach), at) || phoneCued(t, end, i)) {
				st.channels |= 1 << chPhone
			}
		}
		i = k
	}
}

// nearestChannel is the channel named closest before offset at, within a
// short distance, or def. Of two words at the same place the longer
// wins ("telepon", not "tele"), then the one of the lower kind, so the
// same ad always reads the same. A word in Latin letters counts only
// whole: the "wa" in "walang" or "allowance" is not WhatsApp.
func nearestChannel(t []byte, at, def int) int {
	kind, _, _ := nearestChannelAt(t, at, def)
	return kind
}

// nearestChannelAt is nearestChannel with where its word starts and ends
// (at when none was found).
func nearestChannelAt(t []byte, at, def int) (kind, start, end int) {
	base := max(0, at-40)
	window := t[base:at]
	// The nearest place any word ends up at is the last place one
	// starts: look from the end, at the words that start with each byte.
	words := theChannelWordIndex()
	for p := len(window) - 1; p >= 0; p-- {
		best, bestLen := -1, 0
		for _, w := range words[window[p]] {
			if len(w.word) > bestLen && len(window)-p >= len(w.word) && string(window[p:p+len(w.word)]) == w.word && wholeWord(t, base+p, w.word) {
				best, bestLen = w.kind, len(w.word)
			}
		}
		if best >= 0 {
			return best, base + p, base + p + bestLen
		}
	}
	return def, at, at
}

// wholeWord reports whether word, found at t[i], is not part of a longer
// word: no ASCII letter or digit before a word that starts with one, and
// (hasWordAt) no letter after a word that ends with a Latin one ("wa0812"
// is still WhatsApp and a number).
func wholeWord(t []byte, i int, word string) bool {
	if isASCIIAlnum(word[0]) && i > 0 && isASCIIAlnum(t[i-1]) {
		return false
	}
	return hasWordAt(t, i, word)
}

// phoneCues are the words that offer a number for calls or texts. They
// are not channel words: "text" or "ໂທ" elsewhere in an ad names no way
// to apply, only joined to a number's chat app ("Call/WhatsApp", "WA atau
// telp").
var phoneCues = []string{"text", "txt", "sms", "call", "tel", "telp", "hp", "phone", "tawag", "telepon", "telefon", "gọi", "sđt", "đt", "điện thoại", "โทร", "ໂທ", "ទូរស័ព្ទ", "ဖုန်း", "电话", "手机", "致电"}

// connectors are the words that may stand between a phone cue and the
// chat app or number it is joined to.
var connectors = []string{"or", "and", "atau", "dan", "o", "at", "hoặc", "và", "หรือ", "ຫຼື", "ឬ", "သို့မဟုတ်", "或"}

// phoneCueReach is how far before a number's chat-app word a phone cue
// may start: "ໂທ ຫຼື WhatsApp" (call or WhatsApp) in Lao is 17 bytes.
const phoneCueReach = 24

// phoneCued reports whether a phone cue in t[from:to] is joined to
// t[to:], with nothing between but spaces, punctuation and connectors.
func phoneCued(t []byte, from, to int) bool {
	for _, c := range phoneCues {
		for i := from; i <= to-len(c); {
			j := bytes.Index(t[i:to], []byte(c))
			if j < 0 {
				break
			}
			at := i + j
			if wholeWord(t, at, c) && onlyConnectors(t[at+len(c):to]) {
				return true
			}
			i = at + 1
		}
	}
	return false
}

// onlyConnectors reports whether b is nothing but spaces, punctuation and
// connectors.
func onlyConnectors(b []byte) bool {
	for _, f := range bytes.FieldsFunc(b, func(r rune) bool { return strings.ContainsRune(" /&,:;|-()[]+.", r) }) {
		if !slices.Contains(connectors, string(f)) {
			return false
		}
	}
	return true
}

// channelWord is a word naming a channel a contact can belong to.
type channelWord struct {
	word string
	kind int
}

// theChannelWordIndex lists the words of channels a handle or number
// can belong to (not e-mail, web sites or visits), by first byte, in
// order of kind and then as written.
var theChannelWordIndex = sync.OnceValue(func() *[256][]channelWord {
	var idx [256][]channelWord
	for kind := range nChannels {
		if kind == chEmail || kind == chURL || kind == chInPerson {
			continue
		}
		for _, w := range channelWords[kind] {
			if w == "" || w[len(w)-1] == '*' {
				continue
			}
			idx[w[0]] = append(idx[w[0]], channelWord{w, kind})
		}
	}
	return &idx
})

// isMention reports whether the "@" word at t[start:end] tags a person in
// a comment ("@Rina Santos", "@Linh Trần"), not a Telegram name: a
// capitalised name of letters followed by a capitalised surname, as
// Facebook writes a tag.
func isMention(d *normalized, src string, start, end int) bool {
	t := d.text
	if end+1 >= len(t) || t[end] != ' ' || end-start < 2 {
		return false
	}
	for _, c := range t[start:end] {
		if !isASCIILetter(c) {
			return false
		}
	}
	first, _ := utf8.DecodeRuneInString(src[d.origAt(start):])
	next, _ := utf8.DecodeRuneInString(src[d.origAt(end+1):])
	return unicode.IsUpper(first) && unicode.IsUpper(next)
}

func isHandleByte(c byte) bool { return isASCIIAlnum(c) || c == '_' || c == '.' }

// handleAfter appends to dst the handle starting at t[i], skipping a
// space after the @ and joining parts split by spaces around underscores
// ("encoder _ abroad"), at most 40 bytes of it.
func handleAfter(dst, t []byte, i int) ([]byte, int) {
	for i < len(t) && t[i] == ' ' {
		i++
	}
	if i < len(t) && t[i] == '+' {
		i++
		for i < len(t) && t[i] == ' ' {
			i++
		}
	}
	n := 0 // bytes of the handle so far
	for i < len(t) && n < 40 {
		c := t[i]
		switch {
		case isASCIIAlnum(c) || c == '_':
		case c == '.' && i+1 < len(t) && isASCIIAlnum(t[i+1]):
		case c == ' ' && n > 0 && (dst[len(dst)-1] == '_' || i+1 < len(t) && t[i+1] == '_'):
			i++
			continue
		default:
			return dst, i
		}
		dst = append(dst, c)
		n++
		i++
	}
	return dst, i
}

func localStart(t []byte, at int) int {
	i := at
	for i > 0 && (isHandleByte(t[i-1]) || t[i-1] == '-' || t[i-1] == '+') {
		i--
	}
	return i
}

func domainAfter(t []byte, i int) int {
	dot := false
	j := i
	for j < len(t) && (isASCIIAlnum(t[j]) || t[j] == '-' || t[j] == '.') {
		if t[j] == '.' {
			dot = true
		}
		j++
	}
	for j > i && t[j-1] == '.' {
		j--
	}
	if !dot {
		return i
	}
	return j
}

// contactRef is a contact found: its value is contactText[from:to].
type contactRef struct {
	kind     string
	from, to int32
}

// commitContact makes contactText[from:] a contact of the given kind,
// unless the ad has it already or has 32.
func (st *adState) commitContact(kind string, from int) {
	v := st.contactText[from:]
	for _, c := range st.contactRefs {
		if c.kind == kind && string(st.contactText[c.from:c.to]) == string(v) {
			st.contactText = st.contactText[:from]
			return
		}
	}
	if len(st.contactRefs) >= 32 {
		st.contactText = st.contactText[:from]
		return
	}
	st.contactRefs = append(st.contactRefs, contactRef{kind, int32(from), int32(len(st.contactText))})
}

// contacts are the contacts found, in memory of their own: one string
// holds all the values.
func (st *adState) verdictContacts() []ad.Contact {
	if len(st.contactRefs) == 0 {
		return nil
	}
	text := string(st.contactText)
	out := make([]ad.Contact, len(st.contactRefs))
	for i, c := range st.contactRefs {
		out[i] = ad.Contact{Kind: c.kind, Value: text[c.from:c.to]}
	}
	return out
}
