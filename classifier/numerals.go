package classifier

import (
	"bytes"
	"slices"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

// numeral is a word for a digit; in theNumeralIndex, digit is the ASCII
// digit itself.
type numeral struct {
	word  string
	digit byte
}

// numeralWords are digits written as words in the scripts whose numbers
// the normaliser leaves as they are: Chinese (with the radio words
// 幺 洞 拐 勾 and the banking forms), Thai, Lao, Khmer, Burmese and
// Vietnamese. Written out one digit after another after a chat app's
// name ("微信：幺三八…", "ໂທ: ສູນສອງສູນ…"), they are a phone number hidden
// from filters. The normaliser turns English, Indonesian, Malay and
// Tagalog number words into digits itself (numberWords); these are read
// only where a number may follow a contact channel, since most of them
// are ordinary words too ("一", "hai", "နှစ်").
var numeralWords = []numeral{
	{"零", 0}, {"〇", 0}, {"洞", 0}, {"一", 1}, {"幺", 1}, {"壹", 1}, {"二", 2}, {"两", 2}, {"贰", 2},
	{"三", 3}, {"叁", 3}, {"四", 4}, {"肆", 4}, {"五", 5}, {"伍", 5}, {"六", 6}, {"陆", 6},
	{"七", 7}, {"拐", 7}, {"柒", 7}, {"八", 8}, {"捌", 8}, {"九", 9}, {"勾", 9}, {"玖", 9},
	{"ศูนย์", 0}, {"หนึ่ง", 1}, {"สอง", 2}, {"สาม", 3}, {"สี่", 4}, {"ห้า", 5}, {"หก", 6}, {"เจ็ด", 7}, {"แปด", 8}, {"เก้า", 9},
	{"ສູນ", 0}, {"ໜຶ່ງ", 1}, {"ນຶ່ງ", 1}, {"ສອງ", 2}, {"ສາມ", 3}, {"ສີ່", 4}, {"ຫ້າ", 5}, {"ຫົກ", 6}, {"ເຈັດ", 7}, {"ແປດ", 8}, {"ເກົ້າ", 9},
	{"សូន្យ", 0}, {"មួយ", 1}, {"ពីរ", 2}, {"បី", 3}, {"បួន", 4}, {"ប្រាំ", 5},
	{"ប្រាំមួយ", 6}, {"ប្រាំពីរ", 7}, {"ប្រាំបី", 8}, {"ប្រាំបួន", 9},
	{"သုည", 0}, {"တစ်", 1}, {"နှစ်", 2}, {"သုံး", 3}, {"လေး", 4}, {"ငါး", 5}, {"ခြောက်", 6}, {"ခုနစ်", 7}, {"ရှစ်", 8}, {"ကိုး", 9},
	{"không", 0}, {"một", 1}, {"hai", 2}, {"ba", 3}, {"bốn", 4}, {"năm", 5}, {"sáu", 6}, {"bảy", 7}, {"tám", 8}, {"chín", 9},
	{"khong", 0}, {"mot", 1}, {"bon", 4}, {"nam", 5}, {"sau", 6}, {"bay", 7}, {"tam", 8}, {"chin", 9},
}

// numberCueWords offer a number for calls in the languages whose numeral
// words numeralWords lists, besides the channels' own names: a phone
// number written out may follow them ("โทร ศูนย์แปดเก้า…", "Gọi: không
// chín…"). They name no way to apply of themselves.
var numberCueWords = []string{"gọi", "goi", "sđt", "điện thoại", "โทร", "เบอร์", "ໂທ", "ເບີ", "ទូរស័ព្ទ", "លេខ", "ဖုန်း", "电话", "手机", "致电", "联系"}

// theNumeralIndex holds the numeral words normalised as text is, by first
// byte, longest first: "ប្រាំមួយ" (six) is read before "ប្រាំ" (five).
var theNumeralIndex = sync.OnceValue(func() *[256][]numeral {
	var idx [256][]numeral
	n := newNormalizer(nil)
	var d normalized
	for _, w := range numeralWords {
		n.normalize(&d, w.word)
		s := string(d.text)
		idx[s[0]] = append(idx[s[0]], numeral{s, '0' + w.digit})
	}
	for i := range idx {
		slices.SortStableFunc(idx[i], func(a, b numeral) int { return len(b.word) - len(a.word) })
	}
	return &idx
})

// numeralsAt reads the run of digits, written as digits or as numeral
// words, that starts at t[i], with at most two spaces, dashes, dots or
// commas between them. It appends the digits (at most 15) to dst and
// returns them with how many of them were words.
func numeralsAt(dst, t []byte, i int) ([]byte, int) {
	idx := theNumeralIndex()
	from, words := len(dst), 0
	for k := i; k < len(t) && len(dst)-from < 15; {
		if isASCIIDigit(t[k]) {
			dst = append(dst, t[k])
			k++
		} else if w, ok := numeralAt(idx, t, k); ok {
			dst = append(dst, w.digit)
			words++
			k += len(w.word)
		} else {
			break
		}
		s := 0
		for k+s < len(t) && s < 2 && isNumeralSep(t[k+s]) {
			s++
		}
		k += s
	}
	return dst, words
}

// numeralAt is the numeral word at t[k], if any. A word in Latin letters
// counts only whole: the "ba" of "bay" or "banh" is not three.
func numeralAt(idx *[256][]numeral, t []byte, k int) (numeral, bool) {
	for _, w := range idx[t[k]] {
		if hasWordAt(t, k, w.word) {
			return w, true
		}
	}
	return numeral{}, false
}

func isNumeralSep(c byte) bool {
	return c == ' ' || c == '-' || c == '.' || c == ','
}

// hanziValue is the value of a Chinese numeral: 0 to 9, 10 for 十, and
// -1 for any other rune.
func hanziValue(r rune) int {
	switch r {
	case '零', '〇':
		return 0
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	case '十':
		return 10
	}
	return -1
}

// hanziUnits are 万 and 千, after which Chinese pay is written in
// numerals as often as in digits ("月入两三万", "底薪八千").
var hanziUnits = [...]string{"万", "千"}

// hanziAmounts finds amounts written in Chinese numerals before 万 or 千
// and records the edits that write their numerals in digits: "两万" reads
// "2万", "两三万" "2-3万", "二十万" "20万", "一万五" "1万5", "八千五"
// "8千5", as the salary extractor reads amounts in digits. The units
// stay, and numerals anywhere else are words ("一起", "统一"). Its edits
// come after those already made, out of order; the caller sorts them.
func (n *normalizer) hanziAmounts(t []byte) {
	// Thai, Lao, Khmer, Burmese and Vietnamese have no byte that starts
	// 万 or 千: one quick look passes them by.
	if bytes.IndexByte(t, 0xE4) < 0 && bytes.IndexByte(t, 0xE5) < 0 {
		return
	}
	for _, unit := range hanziUnits {
		// Look for the unit's last byte, which ends one rune in 64 of
		// Chinese text, where its first starts one in five: fewer stops.
		last := unit[len(unit)-1]
		for i := len(unit) - 1; i < len(t); i++ {
			k := bytes.IndexByte(t[i:], last)
			if k < 0 {
				break
			}
			i += k
			if u := i + 1 - len(unit); string(t[u:i+1]) == unit {
				n.hanziAmount(t, u, len(unit))
			}
		}
	}
}

// hanziAmount records the edit for the numerals before the unit at
// t[u:u+w], if they make an amount.
func (n *normalizer) hanziAmount(t []byte, u, w int) {
	var vals [3]int
	nv, start := 0, u
	for start >= 3 {
		r, size := utf8.DecodeLastRune(t[:start])
		v := hanziValue(r)
		if v < 0 || size != 3 {
			break
		}
		if nv == len(vals) {
			return // a run of numerals too long to be pay
		}
		copy(vals[1:], vals[:nv])
		vals[0] = v
		nv++
		start -= size
	}
	// "十万火急" is an idiom for "most urgent"; "千万" ("be sure to") has
	// no numeral before it, and "一千万" is no one's pay.
	if nv == 0 || hasPrefix(t[u+w:], "火急") || hasPrefix(t[u+w:], "万") {
		return
	}
	// The amount is lo, or the range lo-hi ("两三" is two or three).
	lo, hi := 0, 0
	switch {
	case nv == 1:
		lo = vals[0]
	case nv == 2 && vals[1] == 10 && vals[0] > 0 && vals[0] < 10: // 二十
		lo = vals[0] * 10
	case nv == 2 && vals[0] == 10 && vals[1] > 0 && vals[1] < 10: // 十五
		lo = 10 + vals[1]
	case nv == 2 && vals[0] > 0 && vals[1] == vals[0]+1 && vals[1] < 10: // 两三
		lo, hi = vals[0], vals[1]
	case nv == 3 && vals[1] == 10 && vals[0] > 0 && vals[0] < 10 && vals[2] > 0 && vals[2] < 10: // 二十五
		lo = vals[0]*10 + vals[2]
	default:
		return
	}
	// One numeral after a single number and its unit is the next digit
	// down ("一万五" 15,000), when nothing but a word of pay follows it:
	// in "两万一个月" the 一 counts the months.
	end, tenth := u+w, -1
	if hi == 0 {
		if r, size := utf8.DecodeRune(t[end:]); size == 3 {
			if v := hanziValue(r); v > 0 && v < 10 && amountEndsAt(t[end+size:]) {
				tenth, end = v, end+size
			}
		}
	}
	rs := len(n.replText)
	n.replText = strconv.AppendInt(n.replText, int64(lo), 10)
	if hi > 0 {
		n.replText = append(n.replText, '-', byte('0'+hi))
	}
	for j := rs; j < len(n.replText); j++ {
		n.replSrc = append(n.replSrc, int32(start+min(j-rs, nv-1)*3))
	}
	for j := range w {
		n.replText = append(n.replText, t[u+j])
		n.replSrc = append(n.replSrc, int32(u+j))
	}
	if tenth > 0 { // "1万5", the shorthand the extractor reads as 15,000
		n.replText = append(n.replText, byte('0'+tenth))
		n.replSrc = append(n.replSrc, int32(u+w))
	}
	n.edits = append(n.edits, edit{start: start, end: end, rs: rs, re: len(n.replText)})
}

// amountEndsAt reports whether t, the text after an amount such as
// "一万五", starts with what may follow pay: nothing, punctuation, a
// space, an ASCII character, or a word of money or of more or less.
func amountEndsAt(t []byte) bool {
	r, size := utf8.DecodeRune(t)
	if size <= 1 || unicode.IsPunct(r) || unicode.IsSpace(r) {
		return true
	}
	for _, w := range [...]string{"元", "块", "左右", "以上", "多", "到", "至", "的", "起", "上下", "每月", "一个月", "／", "～", "－"} {
		if hasPrefix(t, w) {
			return true
		}
	}
	return false
}

// hasPrefix reports whether t starts with w, without copying t.
func hasPrefix(t []byte, w string) bool {
	return len(t) >= len(w) && string(t[:len(w)]) == w
}
