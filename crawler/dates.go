package crawler

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// parseDate reads a posted date as boards write it: an absolute date in a
// common layout, or a relative one ("2 hours ago", "hôm qua", "昨天",
// "เมื่อวาน", "kemarin"), taken in loc and relative to now. It reports
// false when it cannot read the text.
func parseDate(text string, loc *time.Location, now time.Time) (time.Time, bool) {
	s := strings.TrimSpace(text)
	if s == "" {
		return time.Time{}, false
	}
	lower := strings.ToLower(s)
	if _, day := dayWords[lower]; day || hasAgoWord(lower) {
		// "3 hours ago" is no layout: skip the thirty of them.
		if t, ok := parseRelative(lower, now.In(loc)); ok {
			return t, true
		}
	}
	if t, ok := parseAbsolute(s, loc); ok {
		return t, true
	}
	return parseRelative(lower, now.In(loc))
}

func hasAgoWord(s string) bool {
	for _, w := range agoWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// absoluteLayouts are tried in order; a layout without a zone is read in the
// source's time zone.
var absoluteLayouts = []string{
	time.RFC3339Nano, time.RFC3339, time.RFC1123Z, time.RFC1123, time.RFC850, time.RFC822Z, time.RFC822,
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 -0700",
	"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	"2006/01/02 15:04", "2006/01/02", "02/01/2006 15:04", "02/01/2006", "2/1/2006", "02-01-2006", "02.01.2006",
	"2 Jan 2006 15:04", "2 Jan 2006", "2 January 2006", "Jan 2, 2006", "January 2, 2006", "Jan 2 2006",
	"2006年1月2日 15:04", "2006年1月2日", "2006年01月02日",
}

func parseAbsolute(s string, loc *time.Location) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		// Unix time, in seconds or milliseconds, as JSON APIs send it.
		if n > 1e12 {
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range absoluteLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// dayWords name a day relative to today, in the languages of the ads:
// English, Vietnamese, Chinese, Thai, Indonesian and Malay, Tagalog, Khmer,
// Burmese and Lao.
var dayWords = map[string]int{
	"today": 0, "just now": 0, "now": 0, "yesterday": -1, "day before yesterday": -2,
	"hôm nay": 0, "vừa xong": 0, "hôm qua": -1, "hôm kia": -2,
	"今天": 0, "刚刚": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2,
	"วันนี้": 0, "เมื่อสักครู่": 0, "เมื่อวาน": -1, "เมื่อวานนี้": -1, "เมื่อวานซืน": -2,
	"hari ini": 0, "baru saja": 0, "kemarin": -1, "semalam": -1, "kelmarin": -1, "lusa kemarin": -2,
	"ngayon": 0, "kanina": 0, "kahapon": -1,
	"ថ្ងៃនេះ": 0, "ម្សិលមិញ": -1,
	"ယနေ့": 0, "မနေ့က": -1,
	"ມື້ນີ້": 0, "ມື້ວານ": -1, "ມື້ວານນີ້": -1,
}

// unitWords map a time unit, as written before or after a number, to its
// length. Months and years are approximate, which is all "3 months ago"
// means anyway.
var unitWords = map[string]time.Duration{
	"second": time.Second, "seconds": time.Second, "sec": time.Second, "secs": time.Second, "s": time.Second,
	"minute": time.Minute, "minutes": time.Minute, "min": time.Minute, "mins": time.Minute, "m": time.Minute,
	"hour": time.Hour, "hours": time.Hour, "hr": time.Hour, "hrs": time.Hour, "h": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour, "d": 24 * time.Hour,
	"week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour, "w": 7 * 24 * time.Hour,
	"month": 30 * 24 * time.Hour, "months": 30 * 24 * time.Hour,
	"year": 365 * 24 * time.Hour, "years": 365 * 24 * time.Hour,
	// Vietnamese
	"giây": time.Second, "phút": time.Minute, "giờ": time.Hour, "tiếng": time.Hour, "ngày": 24 * time.Hour,
	"tuần": 7 * 24 * time.Hour, "tháng": 30 * 24 * time.Hour, "năm": 365 * 24 * time.Hour,
	// Chinese
	"秒": time.Second, "秒钟": time.Second, "分钟": time.Minute, "分": time.Minute, "小时": time.Hour, "小時": time.Hour,
	"个小时": time.Hour, "天": 24 * time.Hour, "日": 24 * time.Hour, "周": 7 * 24 * time.Hour, "星期": 7 * 24 * time.Hour,
	"个月": 30 * 24 * time.Hour, "月": 30 * 24 * time.Hour, "年": 365 * 24 * time.Hour,
	// Thai
	"วินาที": time.Second, "นาที": time.Minute, "ชั่วโมง": time.Hour, "ชม.": time.Hour, "วัน": 24 * time.Hour,
	"สัปดาห์": 7 * 24 * time.Hour, "อาทิตย์": 7 * 24 * time.Hour, "เดือน": 30 * 24 * time.Hour, "ปี": 365 * 24 * time.Hour,
	// Indonesian and Malay
	"detik": time.Second, "saat": time.Second, "menit": time.Minute, "minit": time.Minute, "jam": time.Hour,
	"hari": 24 * time.Hour, "minggu": 7 * 24 * time.Hour, "bulan": 30 * 24 * time.Hour, "tahun": 365 * 24 * time.Hour,
	// Tagalog
	"segundo": time.Second, "minuto": time.Minute, "oras": time.Hour, "araw": 24 * time.Hour,
	"linggo": 7 * 24 * time.Hour, "buwan": 30 * 24 * time.Hour, "taon": 365 * 24 * time.Hour,
}

// numberAndUnit finds the first "N unit" of a relative date: "3 hours
// ago", "3 giờ trước", "3小时前", "3 ชั่วโมงที่แล้ว", "3 jam yang lalu",
// "3 oras na ang nakalipas". The unit may be glued to the number.
func numberAndUnit(s string) (num, unit string, ok bool) {
	i := strings.IndexAny(s, "0123456789")
	if i < 0 {
		return "", "", false
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	num = s[i:j]
	rest := strings.TrimLeft(s[j:], " ")
	end := strings.IndexAny(rest, " 0123456789")
	if end < 0 {
		end = len(rest)
	}
	return num, rest[:end], end > 0
}

var agoWords = []string{"ago", "trước", "前", "ที่แล้ว", "ก่อน", "lalu", "yang lalu", "nakalipas", "nakaraan", "មុន", "က"}

var anUnit = regexp.MustCompile(`^(?:an?|one)\s+(\p{L}+)\s+ago$`)

// singleSpaced reports whether s already has its words separated by single
// ASCII spaces, so the common case skips rebuilding the string.
func singleSpaced(s string) bool {
	prevSpace := true
	for _, r := range s {
		if r == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		}
		if unicode.IsSpace(r) {
			return false
		}
		prevSpace = false
	}
	return !prevSpace || s == ""
}

func parseRelative(s string, now time.Time) (time.Time, bool) {
	if !singleSpaced(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	if off, ok := dayWords[s]; ok {
		if off == 0 && (s == "just now" || s == "now" || s == "vừa xong" || s == "刚刚" || s == "เมื่อสักครู่" || s == "baru saja" || s == "kanina") {
			return now, true
		}
		y, m, d := now.Date()
		return time.Date(y, m, d+off, 0, 0, 0, 0, now.Location()), true
	}
	// "yesterday 14:30", "hôm qua 08:15", "昨天 09:00"
	for word, off := range dayWords {
		rest, ok := strings.CutPrefix(s, word)
		if !ok || off == 0 && word == "now" {
			continue
		}
		if t, err := time.Parse("15:04", strings.TrimSpace(rest)); err == nil {
			y, m, d := now.Date()
			return time.Date(y, m, d+off, t.Hour(), t.Minute(), 0, 0, now.Location()), true
		}
	}
	if m := anUnit.FindStringSubmatch(s); m != nil {
		if u, ok := unitWords[m[1]]; ok {
			return now.Add(-u), true
		}
	}
	if !hasAgoWord(s) {
		return time.Time{}, false
	}
	num, unit, ok := numberAndUnit(s)
	if !ok {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return time.Time{}, false
	}
	for _, w := range agoWords { // "3小时前": the unit arrives glued to its ago word
		unit = strings.TrimSuffix(unit, w)
	}
	u, ok := unitWords[unit]
	if !ok {
		// Thai writes the unit and the rest of the phrase without spaces
		// ("ชั่วโมงที่แล้ว"): take the longest unit the word starts with.
		best := 0
		for w, d := range unitWords {
			if len(w) > 1 && len(w) > best && strings.HasPrefix(unit, w) {
				u, ok, best = d, true, len(w)
			}
		}
	}
	if !ok {
		return time.Time{}, false
	}
	return now.Add(-time.Duration(n) * u), true
}
