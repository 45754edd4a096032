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

// placeWord is a word in Thai, Lao, Khmer or Burmese numbers: a digit, a
// ten, a standalone tens word, or a power of ten that counts the number
// before it.
type placeWord struct {
	word  string
	value int
	kind  placeKind
}

type placeKind uint8

const (
	placeDigit placeKind = iota // 1 to 9
	placeTen                    // ten, counting the digit before it: "สามสิบ" 30
	placeTens                   // a tens word of its own: "ยี่สิบ" 20, "ម្ភៃ" 20
	placeUnit                   // a hundred and up, after which pay is written
	placeSome                   // "หลัก" before a unit: "หลักแสน", six figures
)

// placeWords are the number words of the scripts whose pay is written in
// words as often as in digits: "เงินเดือนสามหมื่นห้า" is 35,000 baht,
// "ប្រាំរយដុល្លារ" 500 dollars, "ငါးသိန်း" five lakh kyat. The Burmese
// thousand and hundred are left out: "ထောင်" is also a prison and "ရာ" a
// syllable of many words; the Khmer hundred thousand is left out too:
// "សែន" is also "very", and Sen Sok a district of Phnom Penh.
var placeWords = []placeWord{
	{"หนึ่ง", 1, placeDigit}, {"เอ็ด", 1, placeDigit}, {"สอง", 2, placeDigit}, {"สาม", 3, placeDigit}, {"สี่", 4, placeDigit},
	{"ห้า", 5, placeDigit}, {"หก", 6, placeDigit}, {"เจ็ด", 7, placeDigit}, {"แปด", 8, placeDigit}, {"เก้า", 9, placeDigit},
	{"สิบ", 10, placeTen}, {"ยี่สิบ", 20, placeTens}, {"หลัก", 1, placeSome}, {"ຫຼັກ", 1, placeSome},
	{"ร้อย", 100, placeUnit}, {"พัน", 1e3, placeUnit}, {"หมื่น", 1e4, placeUnit}, {"แสน", 1e5, placeUnit}, {"ล้าน", 1e6, placeUnit},
	{"ໜຶ່ງ", 1, placeDigit}, {"ນຶ່ງ", 1, placeDigit}, {"ເອັດ", 1, placeDigit}, {"ສອງ", 2, placeDigit}, {"ສາມ", 3, placeDigit},
	{"ສີ່", 4, placeDigit}, {"ຫ້າ", 5, placeDigit}, {"ຫົກ", 6, placeDigit}, {"ເຈັດ", 7, placeDigit}, {"ແປດ", 8, placeDigit},
	{"ເກົ້າ", 9, placeDigit}, {"ສິບ", 10, placeTen}, {"ຊາວ", 20, placeTens},
	{"ຮ້ອຍ", 100, placeUnit}, {"ພັນ", 1e3, placeUnit}, {"ໝື່ນ", 1e4, placeUnit}, {"ແສນ", 1e5, placeUnit}, {"ລ້ານ", 1e6, placeUnit},
	{"មួយ", 1, placeDigit}, {"ពីរ", 2, placeDigit}, {"បី", 3, placeDigit}, {"បួន", 4, placeDigit}, {"ប្រាំ", 5, placeDigit},
	{"ប្រាំមួយ", 6, placeDigit}, {"ប្រាំពីរ", 7, placeDigit}, {"ប្រាំបី", 8, placeDigit}, {"ប្រាំបួន", 9, placeDigit},
	{"ដប់", 10, placeTens}, {"ម្ភៃ", 20, placeTens}, {"សាមសិប", 30, placeTens}, {"សែសិប", 40, placeTens}, {"ហាសិប", 50, placeTens},
	{"ហុកសិប", 60, placeTens}, {"ចិតសិប", 70, placeTens}, {"ប៉ែតសិប", 80, placeTens}, {"កៅសិប", 90, placeTens},
	{"រយ", 100, placeUnit}, {"ពាន់", 1e3, placeUnit}, {"ម៉ឺន", 1e4, placeUnit}, {"លាន", 1e6, placeUnit},
	{"တစ်", 1, placeDigit}, {"နှစ်", 2, placeDigit}, {"သုံး", 3, placeDigit}, {"လေး", 4, placeDigit}, {"ငါး", 5, placeDigit},
	{"ခြောက်", 6, placeDigit}, {"ခုနစ်", 7, placeDigit}, {"ရှစ်", 8, placeDigit}, {"ကိုး", 9, placeDigit},
	{"ဆယ်", 10, placeTen}, {"ဆယ့်", 10, placeTen}, {"သောင်း", 1e4, placeUnit}, {"သိန်း", 1e5, placeUnit},
}

// placeIndex holds placeWords normalised as text is, longest first, by
// first byte (to read forwards) and by last byte (to read backwards), and
// the units alone.
type placeIndex struct {
	first, last [256][]placeWord
	units       []placeWord
}

var thePlaceIndex = sync.OnceValue(func() *placeIndex {
	var idx placeIndex
	n := newNormalizer(nil)
	var d normalized
	for _, w := range placeWords {
		n.pass1(&d, w.word) // the second pass, which calls this, leaves these words as they are
		w.word = string(d.text)
		idx.first[w.word[0]] = append(idx.first[w.word[0]], w)
		idx.last[w.word[len(w.word)-1]] = append(idx.last[w.word[len(w.word)-1]], w)
		if w.kind == placeUnit {
			idx.units = append(idx.units, w)
		}
	}
	longestFirst := func(a, b placeWord) int { return len(b.word) - len(a.word) }
	for i := range idx.first {
		slices.SortStableFunc(idx.first[i], longestFirst)
		slices.SortStableFunc(idx.last[i], longestFirst)
	}
	return &idx
})

// wordAt is the number word that starts at t[k], if any.
func (x *placeIndex) wordAt(t []byte, k int) (placeWord, bool) {
	if k >= len(t) {
		return placeWord{}, false
	}
	for _, w := range x.first[t[k]] {
		if hasPrefix(t[k:], w.word) {
			return w, true
		}
	}
	return placeWord{}, false
}

// wordBefore is the number word that ends at t[k], if any.
func (x *placeIndex) wordBefore(t []byte, k int) (placeWord, bool) {
	if k == 0 {
		return placeWord{}, false
	}
	for _, w := range x.last[t[k-1]] {
		if k >= len(w.word) && string(t[k-len(w.word):k]) == w.word {
			return w, true
		}
	}
	return placeWord{}, false
}

// smallNumberAt reads the number that counts a unit at t[k]: below a
// hundred in words ("ห้า", "สามสิบ", "ยี่สิบห้า", "ម្ភៃប្រាំ"), or up to
// three ASCII digits. It returns the number, where it ends, and whether
// it was written in words.
func (x *placeIndex) smallNumberAt(t []byte, k int) (v, end int, words bool) {
	if k < len(t) && isASCIIDigit(t[k]) {
		j := k
		for j < len(t) && isASCIIDigit(t[j]) && j-k < 3 {
			v = v*10 + int(t[j]-'0')
			j++
		}
		if j < len(t) && (isASCIIDigit(t[j]) || t[j] == '.' || t[j] == ',') {
			return 0, k, false // a longer number, or one with a decimal part
		}
		return v, j, false
	}
	j := k
	w, ok := x.wordAt(t, j)
	if ok && w.kind == placeDigit {
		v, j = w.value, j+len(w.word)
		w, ok = x.wordAt(t, j)
	}
	switch {
	case ok && w.kind == placeTen:
		v, j = max(v, 1)*10, j+len(w.word)
	case ok && w.kind == placeTens && v == 0:
		v, j = w.value, j+len(w.word)
	default:
		return v, j, v > 0
	}
	if w, ok := x.wordAt(t, j); ok && w.kind == placeDigit {
		v, j = v+w.value, j+len(w.word)
	}
	return v, j, true
}

// spelledAmounts finds amounts in Thai, Lao, Khmer and Burmese written with
// number words ("สามหมื่นห้า", "ប្រាំរយ", "หนึ่งแสนสองหมื่น") or with
// digits apart from their unit ("3 หมื่น 5"), and records the edits that
// write them as the salary extractor reads them: the amount in its
// largest unit, "3.5หมื่น", "500", "1.2แสน". A single digit after the
// last unit of a thousand or more is the next place down, as it is
// spoken: "สามพันห้า" is 3,500. Its edits come after those already made,
// out of order; the caller sorts them.
func (n *normalizer) spelledAmounts(t []byte) {
	// Thai and Lao runes start with 0xE0, Khmer and Burmese with 0xE1.
	if bytes.IndexByte(t, 0xE0) < 0 && bytes.IndexByte(t, 0xE1) < 0 {
		return
	}
	x := thePlaceIndex()
	// next holds where each unit is next found at or after done (where
	// the last amount read ended), or len(t) once it is not; the units
	// of a script the text is not written in are not looked for.
	// (Vietnamese letters start with 0xE1 too.)
	next, found := n.unitsAt[:0], false
	var present [len(placeScripts)]int8 // 1 if found, -1 if not, 0 not yet looked for
	for _, w := range x.units {
		k := slices.Index(placeScripts[:], script(w.word))
		if present[k] == 0 {
			present[k] = -1
			lo, hi := []byte{w.word[0], w.word[1] &^ 1}, []byte{w.word[0], w.word[1] | 1}
			if bytes.Contains(t, lo) || bytes.Contains(t, hi) {
				present[k], found = 1, true
			}
		}
		at := len(t) // not there
		if present[k] > 0 {
			at = -1 // to be looked for
		}
		next = append(next, at)
	}
	n.unitsAt = next
	if !found {
		return
	}
	done, edited := 0, -1 // edited: where the last rewritten amount ended
	for {
		u, unit := len(t), placeWord{}
		for i, w := range x.units {
			if next[i] < done { // (-1, to be looked for, is below any done)
				next[i] = len(t)
				if k := bytes.Index(t[done:], []byte(w.word)); k >= 0 {
					next[i] = done + k
				}
			}
			if next[i] < u {
				u, unit = next[i], w
			}
		}
		if u == len(t) {
			return
		}
		end, ok := n.spelledAmount(t, x, u, unit, edited)
		if ok {
			edited = end
		}
		done = max(u+1, end)
	}
}

// spelledAmount records the edit for the amount whose first unit is at
// t[u], if there is one, and returns where it ends (u+1 if there is
// none) and whether it was rewritten. edited is where the last amount
// rewritten ended: the first pass joins "หมื่นสอง-สองหมื่น" into one run
// of letters, and an amount that starts there is the top of a range.
func (n *normalizer) spelledAmount(t []byte, x *placeIndex, u int, unit placeWord, edited int) (int, bool) {
	// The number before the unit: digits, perhaps a space apart, or up
	// to three words, of which the longest run that reads as a number.
	start, count, words := u, 0, false
	if k := u - int(b2u(u > 0 && t[u-1] == ' ')); k > 0 && isASCIIDigit(t[k-1]) {
		j := k
		for j > 0 && isASCIIDigit(t[j-1]) && k-j < 3 {
			j--
		}
		if j > 0 && (isASCIIDigit(t[j-1]) || t[j-1] == '.' || t[j-1] == ',') {
			return u + 1, false // "3.5 ล้าน", "1,500 พัน": the extractor reads those
		}
		v, _, _ := x.smallNumberAt(t, j)
		start, count = j, v
	} else {
		var starts [3]int
		ns := 0
		for k := u; ns < len(starts); ns++ {
			w, ok := x.wordBefore(t, k)
			if !ok || w.kind == placeUnit || script(w.word) != script(unit.word) {
				break
			}
			k -= len(w.word)
			starts[ns] = k
		}
		for s := ns - 1; s >= 0; s-- {
			if v, end, _ := x.smallNumberAt(t, starts[s]); end == u && v > 0 {
				start, count, words = starts[s], v, true
				break
			}
		}
	}
	if count == 0 {
		after := u + len(unit.word)
		if w, ok := x.wordBefore(t, u); ok && w.kind == placeSome && script(w.word) == script(unit.word) {
			start, count, words = u-len(w.word), 1, true // "รายได้หลักแสน": at least a hundred thousand
		} else if w, ok := x.wordAt(t, after); ok && (w.kind == placeDigit || w.kind == placeTens) && script(w.word) == script(unit.word) && !roiEt(t[u:]) ||
			unit.value >= 1e4 && moreThanAt(t[after:]) > 0 || currencyWordAt(t[after:]) {
			// "หมื่นห้า" 15,000, "ພັນຫ້າ" 1,500, "แสนกว่า" a hundred
			// thousand and more, "วันละพันบาท" a thousand baht a day
			count, words = 1, true
		} else {
			return u + 1, false
		}
	}
	// The places after it, each smaller than the last: "หนึ่งแสนสองหมื่น".
	value, least := count*unit.value, unit.value
	end, tail := u+len(unit.word), false
	for {
		k := end
		if k+1 < len(t) && t[k] == ' ' && isASCIIDigit(t[k+1]) {
			k++ // "3 หมื่น 5": digits may stand apart, words may not
		}
		v, e, w := x.smallNumberAt(t, k)
		if v == 0 || w && script(string(t[k:k+2])) != script(unit.word) {
			break
		}
		e2 := e + int(b2u(e+1 < len(t) && t[e] == ' '))
		if next, ok := x.wordAt(t, e2); ok && next.kind == placeUnit {
			if next.value >= least || script(next.word) != script(unit.word) {
				break // the start of another amount
			}
			value, least, end, tail = value+v*next.value, next.value, e2+len(next.word), true
			words = words || w
			continue
		}
		if least == 100 && w && v < 100 {
			value, end, tail = value+v, e, true // "สามร้อยห้าสิบ" 350
			break
		}
		if v < 10 && least >= 1000 && spelledAmountEndsAt(t[e:]) {
			value, end, tail = value+v*least/10, e, true
			words = words || w
		}
		break
	}
	if !words && !tail && unit.value != 100 {
		return end, false // digits before their unit: the extractor reads those
	}
	// "More than" between the amount and its currency would keep them
	// apart: "3 ຮ້ອຍກວ່າບາດ" is read as "300ບາດ", its least.
	end += moreThanAt(t[end:])
	rs := len(n.replText)
	if start == edited {
		n.replText = append(n.replText, '-')
		n.replSrc = append(n.replSrc, int32(start))
	}
	digits := len(n.replText)
	if unit.value == 100 {
		// Hundreds are written out in digits: the hundred is no
		// multiplier to the extractor, as "រយ" also starts "រយៈពេល"
		// ("a period of").
		n.replText = strconv.AppendInt(n.replText, int64(value), 10)
	} else {
		n.replText = strconv.AppendFloat(n.replText, float64(value)/float64(unit.value), 'f', -1, 64)
	}
	for range len(n.replText) - digits {
		n.replSrc = append(n.replSrc, int32(start))
	}
	if unit.value != 100 {
		for j := range len(unit.word) {
			n.replText = append(n.replText, t[u+j])
			n.replSrc = append(n.replSrc, int32(u+j))
		}
	}
	// The places after the unit are gone from the text; the last byte
	// stands for them, so that a span of the amount covers them.
	n.replSrc[len(n.replSrc)-1] = int32(end - 1)
	n.edits = append(n.edits, edit{start: start, end: end, rs: rs, re: len(n.replText)})
	return end, true
}

// placeScripts are the scripts of placeWords, as script gives them:
// Thai, Lao, Khmer and Burmese.
var placeScripts = [4]uint16{0xE0B8, 0xE0BA, 0xE19E, 0xE180}

// script tells Thai, Lao, Khmer and Burmese words apart by their first
// two bytes: each script's runes start with one of two pairs that differ
// in the last bit.
func script(word string) uint16 {
	return uint16(word[0])<<8 | uint16(word[1]&^1)
}

// roiEt reports whether t starts with the name of Roi Et ("a hundred and
// one"), a province of Thailand, which is no amount.
func roiEt(t []byte) bool {
	return hasPrefix(t, "ร้อยเอ็ด")
}

// currencyWordAt reports whether t starts with a word for a currency,
// as the salary extractor reads them.
func currencyWordAt(t []byte) bool {
	if len(t) == 0 {
		return false
	}
	for _, cw := range theSalaryWords().curFirst[t[0]] {
		if hasWordAt(t, 0, cw.word) {
			return true
		}
	}
	return false
}

// moreThanAt is the length of the Thai or Lao "more than" (กว่า, ກວ່າ)
// that t starts with, or 0.
func moreThanAt(t []byte) int {
	for _, w := range [...]string{"กว่า", "ກວ່າ"} {
		if hasPrefix(t, w) {
			return len(w)
		}
	}
	return 0
}

// spelledAmountEndsAt reports whether t, the text after a spoken amount
// such as "สามหมื่นห้า", leaves its last digit to the amount: it does
// unless a word that counts things follows, as in "สามหมื่นหกวัน" (30,000,
// six days). Thai and Lao are written without spaces between words, and
// the normaliser removes those a poster puts in, so what follows is most
// often the next word: "สามหมื่นห้าทำงานสบาย".
func spelledAmountEndsAt(t []byte) bool {
	for _, w := range countingWords {
		if hasPrefix(t, w) {
			return false
		}
	}
	return true
}

// countingWords count days, months, years, hours, people, positions and
// times in Thai, Lao, Khmer and Burmese.
var countingWords = [...]string{
	"วัน", "เดือน", "ปี", "คน", "ชั่วโมง", "ชม", "ครั้ง", "ตำแหน่ง", "ท่าน", "อัตรา", "กะ", "โมง", "นาที", "ตัว", "ชิ้น",
	"ມື້", "ວັນ", "ເດືອນ", "ປີ", "ຄົນ", "ຊົ່ວໂມງ", "ຕຳແໜ່ງ", "ທ່ານ", "ເທື່ອ",
	"ថ្ងៃ", "ខែ", "ឆ្នាំ", "នាក់", "ម៉ោង", "ដង", "តំណែង",
	"ရက်", "လ", "နှစ်", "ယောက်", "နာရီ", "ကြိမ်",
}
