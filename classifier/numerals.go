package classifier

import (
	"slices"
	"sync"
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
