package classifier

import (
	"bytes"
	"strings"

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
	chTelegram:  {"telegram", "tele", "tg", "t.me", "telegrame", "เทเลแกรม", "เทเลแกรม", "飞机", "纸飞机", "电报", "តេឡេក្រាម", "ເທເລແກຣມ", "တယ်လီဂရမ်"},
	chWhatsApp:  {"whatsapp", "whats app", "wa", "wa.me", "watsap", "wasap", "วอทส์แอพ", "ວັອດແອັບ"},
	chWeChat:    {"wechat", "weixin", "微信", "vx", "加v", "加微", "วีแชท"},
	chLine:      {"line id", "line:", "line.me", "ไลน์", "ทักไลน์", "ไลน์ไอดี", "ລາຍ"},
	chZalo:      {"zalo"},
	chViber:     {"viber"},
	chMessenger: {"messenger", "inbox", "ib", "dm", "direct message", "私信", "อินบ็อกซ์", "ทักแชท", "ทักเพจ", "ផ្ញើសារ", "ອິນບັອກ", "mesej", "nhắn tin", "nhắn tin page", "ib page", "chat admin", "pesan langsung"},
	chSignal:    {"signal app"},
	chPhone:     {"call us", "hotline", "tel:", "phone:", "电话", "致电", "โทร", "điện thoại", "telepon", "telefon", "tawag", "ទូរស័ព្ទ", "ໂທ", "ဖုန်း"},
	chEmail:     {"email", "e-mail", "emailing", "邮箱", "邮件", "電郵", "อีเมล", "อีเมล์", "អ៊ីមែល", "ອີເມວ", "အီးမေးလ်", "surel", "e-mel", "#email_*"},
	chURL:       {"http*", "www.*", "website", "careers page", "career page", "career portal", "job portal", "portal", "官网", "เว็บไซต์", "trang tuyển dụng", "laman kerjaya", "situs resmi", "#url_*"},
	chInPerson:  {"walk-in", "walk in", "on-site interview", "onsite interview", "interview at our office", "office interview", "face-to-face interview", "interview in person", "apply in person", "in person", "drop by", "visit our office", "at our office", "face-to-face", "datang langsung", "walk-in interview", "nộp trực tiếp", "phỏng vấn trực tiếp", "มาสมัคร", "สมัครด้วยตนเอง", "到公司面试", "现场面试", "到店", "មកផ្ទាល់", "ມາຍື່ນ", "ကိုယ်တိုင်", "hadir temuduga", "temuduga terbuka", "sa aming opisina", "sa opisina"},
}

// extractContacts finds handles, numbers, addresses and links.
func extractContacts(st *adState) {
	for f := range nFields {
		extractContactsIn(st, st.f[f].text, st.f[f].longDigits)
	}
}

// extractContactsIn finds contacts in one normalised text.
func extractContactsIn(st *adState, t []byte, phones bool) {
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
					st.addContact("email", strings.TrimSpace(string(t[localStart(t, at):d])))
					st.channels |= 1 << chEmail
					i = d
				}
				continue
			}
			h, end := handleAfter(t, at+1)
			if len(h) < 3 {
				continue
			}
			kind := nearestChannel(t, at, chTelegram)
			st.addContact(channelNames[kind], "@"+h)
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
				h, end := handleAfter(t, i)
				if len(h) >= 3 {
					st.addContact(channelNames[link.kind], link.prefix+h)
					st.channels |= 1 << link.kind
					i = end
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
		n := k - j
		if n >= 9 && n <= 15 && (k >= len(t) || !isASCIIAlnum(t[k])) && (c == '+' || t[j] == '0' || hasPhoneCode(string(t[j:k]))) {
			kind := nearestChannel(t, i, chPhone)
			name := "phone"
			if kind == chWhatsApp || kind == chLine || kind == chTelegram {
				name = channelNames[kind]
			}
			st.addContact(name, string(t[i:k]))
			st.channels |= 1 << kind
		}
		i = k
	}
}

// nearestChannel is the channel named closest before offset at, within a
// short distance, or def.
func nearestChannel(t []byte, at, def int) int {
	from := max(0, at-40)
	window := string(t[from:at])
	best, bestPos, bestLen := def, -1, 0
	// Kinds in a fixed order, and of two words at the same place the
	// longer ("telepon", not "tele"), so the same ad always reads the same.
	for kind := range nChannels {
		if kind == chEmail || kind == chURL || kind == chInPerson {
			continue
		}
		for _, w := range channelWords[kind] {
			if w == "" || w[len(w)-1] == '*' {
				continue
			}
			if p := strings.LastIndex(window, w); p > bestPos || p == bestPos && p >= 0 && len(w) > bestLen {
				best, bestPos, bestLen = kind, p, len(w)
			}
		}
	}
	return best
}

func isHandleByte(c byte) bool { return isASCIIAlnum(c) || c == '_' || c == '.' }

// handleAfter reads a handle starting at i, skipping a space after the @
// and joining parts split by spaces around underscores ("encoder _ abroad").
func handleAfter(t []byte, i int) (string, int) {
	for i < len(t) && t[i] == ' ' {
		i++
	}
	if i < len(t) && t[i] == '+' {
		i++
		for i < len(t) && t[i] == ' ' {
			i++
		}
	}
	var b []byte
	for i < len(t) && len(b) < 40 {
		c := t[i]
		switch {
		case isASCIIAlnum(c) || c == '_':
			b = append(b, c)
			i++
		case c == '.' && i+1 < len(t) && isASCIIAlnum(t[i+1]):
			b = append(b, c)
			i++
		case c == ' ' && len(b) > 0 && (b[len(b)-1] == '_' || i+1 < len(t) && t[i+1] == '_'):
			i++
		default:
			return string(b), i
		}
	}
	return string(b), i
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

func (st *adState) addContact(kind, value string) {
	for _, c := range st.contacts {
		if c.Kind == kind && c.Value == value {
			return
		}
	}
	if len(st.contacts) < 32 {
		st.contacts = append(st.contacts, ad.Contact{Kind: kind, Value: value})
	}
}
