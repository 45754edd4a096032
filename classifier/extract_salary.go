package classifier

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// Currency words as they read after normalisation, by ISO code. Order
// matters where one is a prefix of another: the longest is tried first.
var currencyWords = map[string][]string{
	"USD":  {"usd", "us$", "$", "dollars", "dollar", "dolar", "đô", "do la", "美元", "美金", "刀", "ដុល្លារ", "ໂດລາ", "ดอลลาร์", "ဒေါ်လာ"},
	"USDT": {"usdt", "u"}, // "底薪2000U": the compounds' word for it
	"IDR":  {"idr", "rp.", "rp", "rupiah"},
	"VND":  {"vnd", "vnđ", "₫", "đồng", "dong", "đ"},
	"THB":  {"thb", "฿", "baht", "บาท", "บ.", "ບາດ", "បាត", "ဘတ်"},
	"PHP":  {"php", "₱", "pesos", "peso", "piso"},
	"MYR":  {"myr", "rm", "ringgit"},
	"CNY":  {"cny", "rmb", "人民币", "元", "块", "yuan", "ยวน", "ຢວນ", "ယွမ်", "យាន់", "¥"}, // "¥" may be yen: see yenOrYuan
	"KHR":  {"khr", "riel", "riels", "៛", "រៀល"},
	"MMK":  {"mmk", "kyat", "kyats", "ကျပ်"},
	"LAK":  {"lak", "kip", "ກີບ"},
	"JPY":  {"jpy", "yen", "円", "yên", "เยน", "ယန်း", "យ៉េន"},
	"TWD":  {"twd", "nt$", "新台币", "台币"},
	"SGD":  {"sgd", "s$"},
	"HKD":  {"hkd", "hk$"},
	"MOP":  {"mop", "mop$", "澳门元", "澳门币", "葡币"},
	"KRW":  {"krw", "won", "₩"},
	"EUR":  {"eur", "€", "euro", "euros"},
	"GBP":  {"gbp", "£"},
	"AUD":  {"aud", "a$"},
	"CAD":  {"cad", "c$"},
	"NZD":  {"nzd", "nz$"},
	// The currencies of workers recruited from Africa, South Asia and the
	// Gulf, and of the fees they are charged. "Rs" is left out: rupees
	// of four countries share it.
	"KES": {"kes", "ksh", "kshs"},
	"UGX": {"ugx", "ush"},
	"TZS": {"tzs", "tsh"},
	"NGN": {"ngn", "₦", "naira"},
	"GHS": {"ghs", "gh₵", "₵", "cedis", "cedi"},
	"ETB": {"etb", "birr"},
	"INR": {"inr", "₹"},
	"PKR": {"pkr"},
	"BDT": {"bdt", "৳", "taka", "tk"},
	"LKR": {"lkr"},
	"NPR": {"npr"},
	"AED": {"aed", "dirham", "dirhams", "dhs"},
	"SAR": {"sar", "riyal", "riyals"},
	"QAR": {"qar", "qr"},
	"KWD": {"kwd"},
	"OMR": {"omr"},
	// The currencies of the newer routes, where the compounds moved and
	// where call centres pay their own staff in them.
	"MXN": {"mxn", "mx$"},
	"BRL": {"brl", "r$", "reais"},
	"GEL": {"₾"}, // ("lari" is also Malay and Indonesian for "run")
	"TRY": {"₺", "lira"},
	"ZMW": {"zmw", "kwacha"},
	"FJD": {"fjd", "fj$"},
}

// multiplierWords scale the number before them; some also name the
// currency (juta and jt are Indonesian, triệu and tr Vietnamese). They are
// matched in normalised text: the Lao ten thousand is written with "ຫມ",
// the form NFKC gives "ໝ".
var multiplierWords = []struct {
	word     string
	factor   float64
	currency string
}{
	{"juta", 1e6, "IDR"}, {"jt", 1e6, "IDR"}, {"triệu", 1e6, "VND"}, {"trieu", 1e6, "VND"}, {"tr", 1e6, "VND"},
	{"million", 1e6, ""}, {"mil", 1e6, ""}, {"ล้าน", 1e6, ""}, {"ລ້ານ", 1e6, ""}, {"លាន", 1e6, ""},
	{"သိန်း", 1e5, "MMK"}, {"lakh", 1e5, ""}, {"万", 1e4, ""}, {"หมื่น", 1e4, ""}, {"ຫມື່ນ", 1e4, ""}, {"ម៉ឺន", 1e4, ""}, {"သောင်း", 1e4, ""},
	// "10几万", "20多万": ten and some ten-thousands, read as the least.
	{"几万", 1e4, ""}, {"多万", 1e4, ""},
	{"千", 1e3, ""}, {"พัน", 1e3, ""}, {"ພັນ", 1e3, ""}, {"ពាន់", 1e3, ""},
	// The Thai and Lao hundred thousand names the currency it is counted
	// in unless the ad names another: the lakh names none. (The Khmer one,
	// "សែន", is also "very" and the start of Sen Sok, a district.)
	{"แสน", 1e5, "THB"}, {"ແສນ", 1e5, "LAK"},
	{"ngàn", 1e3, "VND"}, {"nghìn", 1e3, "VND"}, {"ribu", 1e3, "IDR"}, {"rb", 1e3, "IDR"}, {"k", 1e3, ""},
	// Chat shorthand: "củ" is a million dong, "w" is 万 ("月入3w+").
	{"củ", 1e6, "VND"}, {"w", 1e4, ""},
}

var periodWords = []struct {
	word   string
	period string
}{
	{"per month", "month"}, {"a month", "month"}, {"/month", "month"}, {"/mo", "month"}, {"monthly", "month"}, {"/bulan", "month"},
	{"per bulan", "month"}, {"sebulan", "month"}, {"/bln", "month"}, {"bulanan", "month"}, {"/tháng", "month"}, {"tháng", "month"},
	{"/เดือน", "month"}, {"ต่อเดือน", "month"}, {"/月", "month"}, {"每月", "month"}, {"kada buwan", "month"}, {"buwanan", "month"},
	{"a buwan", "month"}, {"ក្នុងមួយខែ", "month"}, {"/ខែ", "month"}, {"ຕໍ່ເດືອນ", "month"}, {"/ເດືອນ", "month"}, {"/m", "month"},
	{"per day", "day"}, {"a day", "day"}, {"/day", "day"}, {"daily", "day"}, {"/hari", "day"}, {"per hari", "day"}, {"sehari", "day"},
	{"/ngày", "day"}, {"ngày", "day"}, {"/วัน", "day"}, {"/天", "day"}, {"/日", "day"}, {"一天", "day"}, {"kada araw", "day"},
	{"per hour", "hour"}, {"an hour", "hour"}, {"/hour", "hour"}, {"/hr", "hour"}, {"/h", "hour"}, {"hourly", "hour"}, {"/jam", "hour"},
	{"per jam", "hour"}, {"/giờ", "hour"}, {"/ชั่วโมง", "hour"}, {"/小时", "hour"}, {"/时", "hour"}, {"kada oras", "hour"},
	{"per week", "week"}, {"a week", "week"}, {"/week", "week"}, {"/wk", "week"}, {"weekly", "week"}, {"/minggu", "week"}, {"/tuần", "week"},
	{"/周", "week"}, {"per year", "year"}, {"a year", "year"}, {"/year", "year"}, {"/yr", "year"}, {"annually", "year"}, {"yearly", "year"},
	{"annual", "year"}, {"p.a", "year"}, {"/tahun", "year"}, {"setahun", "year"}, {"/năm", "year"}, {"/ปี", "year"}, {"/年", "year"},
	// Khmer, Lao, Burmese and Thai hours and days, and Burmese months.
	{"/ម៉ោង", "hour"}, {"ក្នុងមួយម៉ោង", "hour"}, {"/ថ្ងៃ", "day"}, {"ក្នុងមួយថ្ងៃ", "day"}, {"/ຊົ່ວໂມງ", "hour"}, {"ຕໍ່ຊົ່ວໂມງ", "hour"},
	{"/ມື້", "day"}, {"ຕໍ່ມື້", "day"}, {"/ອາທິດ", "week"}, {"ຕໍ່ອາທິດ", "week"}, {"/สัปดาห์", "week"}, {"ต่อสัปดาห์", "week"}, {"/နာရီ", "hour"}, {"တစ်နာရီ", "hour"}, {"/ရက်", "day"}, {"တစ်ရက်", "day"}, {"/လ", "month"},
	{"တစ်လ", "month"}, {"ต่อชั่วโมง", "hour"}, {"/ชม.", "hour"}, {"ต่อวัน", "day"}, {"每小时", "hour"}, {"每天", "day"}, {"sejam", "hour"},
}

// Words before an amount that set its period ("月薪", "年薪").
var periodPrefixes = []struct {
	word   string
	period string
}{
	{"月薪", "month"}, {"月入", "month"}, {"底薪", "month"}, {"年薪", "year"}, {"日薪", "day"}, {"时薪", "hour"}, {"lương tháng", "month"},
	{"一个月", "month"}, {"每个月", "month"}, {"每月", "month"},
	{"gaji pokok", "month"}, {"gaji bulanan", "month"}, {"monthly salary", "month"}, {"annual salary", "year"}, {"hourly rate", "hour"},
	{"เงินเดือน", "month"}, {"ប្រាក់ខែ", "month"}, {"ເງິນເດືອນ", "month"}, {"လစာ", "month"},
	{"เดือนละ", "month"}, {"วันละ", "day"}, {"ເດືອນລະ", "month"}, {"ມື້ລະ", "day"}, {"ວັນລະ", "day"},
	// Burmese puts "a day", "a month" before the currency: "တစ်ရက် ဘတ် ၃၆၃".
	{"တစ်ရက်", "day"}, {"တစ်ရက်ကို", "day"}, {"နေ့စား", "day"}, {"တစ်လ", "month"}, {"လစဉ်", "month"}, {"တစ်နာရီ", "hour"},
	// "Starting salary", where the word for "start" comes between.
	{"เงินเดือนเริ่ม", "month"}, {"เงินเดือนเริ่มต้น", "month"}, {"ເງິນເດືອນເລີ່ມ", "month"}, {"ເງິນເດືອນເລີ່ມຕົ້ນ", "month"},
	{"ប្រាក់ខែចាប់ពី", "month"}, {"ប្រាក់ខែចាប់ផ្តើម", "month"},
	// Words for pay that name no period: a bare amount after them is pay
	// ("gaji 6k"), by the month unless a period follows ("gaji 150rb/hari").
	{"gaji", payWord}, {"sahod", payWord}, {"sweldo", payWord}, {"lương", payWord},
}

// payWord is the period of a word for pay that names none.
const payWord = "pay"

// maxPeriodPrefix is the length of the longest of periodPrefixes.
var maxPeriodPrefix = func() int {
	n := 0
	for _, p := range periodPrefixes {
		n = max(n, len(p.word))
	}
	return n
}()

// clauseStops end the clause before an amount.
var clauseStops = [][]byte{[]byte(". "), []byte("\n"), []byte("; "), []byte("。"), []byte("/ ")}

// cueSet tells whether any of its words is in a short text, trying at
// each byte only the words that start with it.
type cueSet struct{ first [256][]string }

func newCueSet(words []string) *cueSet {
	s := &cueSet{}
	for _, w := range words {
		s.first[w[0]] = append(s.first[w[0]], w)
	}
	return s
}

func (s *cueSet) in(text []byte) bool {
	for p := range text {
		for _, w := range s.first[text[p]] {
			if len(text)-p >= len(w) && string(text[p:p+len(w)]) == w {
				return true
			}
		}
	}
	return false
}

// salaryCues say an amount nearby is pay; notPayCues that it is something
// else: a charge, a bonus, rent, a ransom, a loan. (The fee extractor's
// cues, the vocabulary set fee_cues, are narrower: only what the
// applicant is charged.)
var salaryCues = []string{"salary", "pay", "wage", "earn", "income", "compensation", "remuneration", "package", "basic", "base",
	"gaji", "upah", "pendapatan", "sahod", "suweldo", "lương", "thu nhập", "เงินเดือน", "รายได้", "ค่าจ้าง", "薪", "工资", "收入",
	"ប្រាក់ខែ", "ເງິນເດືອນ", "ລາຍໄດ້", "လစာ", "ဝင်ငွေ", "elaun", "offer"}
var notPayCues = []string{"fee", "fees", "deposit", "biaya", "bayar", "phí", "ค่าธรรมเนียม", "ค่าสมัคร", "ค่าดำเนินการ", "ค่าเดินทาง",
	"费", "押金", "ថ្លៃ", "ຄ່າທຳນຽມ", "ကြိုတင်ငွေ", "ကြိုတင်", "ကုန်ကျစရိတ်", "ပြန်ရွေး", "bayad", "refund", "bonus", "referral", "per friend", "每人", "人头", "tuition", "budget",
	"rent", "deduct", "cash", "ransom", "赎金", "tiền chuộc", "tebusan", "loan"}

// defaultCurrency is the currency of a bare amount, by language.
var defaultCurrency = map[string]string{"zh": "CNY", "vi": "VND", "id": "IDR", "ms": "MYR", "tl": "PHP", "th": "THB", "km": "USD", "lo": "LAK", "my": "MMK", "en": "USD"}

// defaultRates are US dollars per unit, used when the config gives none.
var defaultRates = map[string]float64{
	"USD": 1, "USDT": 1, "IDR": 0.000063, "VND": 0.000039, "THB": 0.029, "PHP": 0.0174, "MYR": 0.22, "CNY": 0.139,
	"KHR": 0.00025, "MMK": 0.00048, "LAK": 0.000046, "JPY": 0.0066, "TWD": 0.031, "SGD": 0.75, "HKD": 0.128, "MOP": 0.124,
	"KRW": 0.00072, "EUR": 1.08, "GBP": 1.27, "AUD": 0.65, "CAD": 0.72, "NZD": 0.59,
	"KES": 0.0077, "UGX": 0.00027, "TZS": 0.00038, "NGN": 0.00065, "GHS": 0.065, "ETB": 0.0075,
	"INR": 0.012, "PKR": 0.0036, "BDT": 0.0082, "LKR": 0.0033, "NPR": 0.0075,
	"AED": 0.272, "SAR": 0.267, "QAR": 0.275, "KWD": 3.25, "OMR": 2.6,
	"MXN": 0.055, "BRL": 0.18, "GEL": 0.37, "TRY": 0.029, "ZMW": 0.037, "FJD": 0.44,
}

// yearlyFrom is the pay, in USD a month, above which an amount with no
// period is read as yearly: fifteen thousand a month is no pay these ads
// offer, while a yearly salary often stands alone.
const yearlyFrom = 15000

var periodToMonth = map[string]float64{"month": 1, "day": 26, "hour": 173, "week": 4.33, "year": 1.0 / 12}

type salaryCandidate struct {
	min, max  float64
	currency  string
	period    string
	field     int
	start     int
	end       int
	score     int
	usdMonth  float64
	explicitC bool
}

// extractSalary finds the pay offer: amounts with a currency (or a
// multiplier that implies one), ranges, and periods, in the salary field
// first, then the title and body. It returns the best candidate.
func extractSalary(st *adState, rates map[string]float64, lang string) {
	w := theSalaryWords()
	var best salaryCandidate
	found := false
	for _, f := range [...]int{fieldSalary, fieldTitle, fieldBody} {
		t := st.f[f].text
		runs, known := st.f[f].digitRuns, st.f[f].digitRunsKnown
		for i := 0; i < len(t); i++ {
			// Amounts start at a digit: at the next run of digits, where
			// normalising found them; otherwise skip 32, then eight
			// bytes at a time to one.
			if known {
				for len(runs) > 0 && int(runs[0]) < i {
					runs = runs[1:]
				}
				if len(runs) == 0 {
					break
				}
				i = int(runs[0])
			}
			for i+32 <= len(t) && digitBytes(binary.LittleEndian.Uint64(t[i:]))|digitBytes(binary.LittleEndian.Uint64(t[i+8:]))|
				digitBytes(binary.LittleEndian.Uint64(t[i+16:]))|digitBytes(binary.LittleEndian.Uint64(t[i+24:])) == 0 {
				i += 32
			}
			for i+8 <= len(t) && !hasDigitByte(binary.LittleEndian.Uint64(t[i:])) {
				i += 8
			}
			if i >= len(t) {
				break
			}
			if !isASCIIDigit(t[i]) || i > 0 && (isASCIIDigit(t[i-1]) || t[i-1] == '.' || t[i-1] == ',') {
				continue
			}
			if i > 0 && isASCIILetter(t[i-1]) {
				if cur, _ := w.currencyBefore(t, i); cur == "" { // "rm8,000" yes, "a4" no
					continue
				}
			}
			if f != fieldSalary && !w.amountCue(t, i) {
				continue
			}
			c, end := w.parseAmount(t, i, f)
			if end <= i {
				continue
			}
			i = end
			if st.fee != nil && int(st.feeSpan.field) == f && int(st.feeSpan.start) == c.start {
				continue // the fee the ad asks for
			}
			if c.currency == "" {
				// A bare amount counts in the salary field, or beside a
				// word that says it is pay by the month, day or year
				// ("月薪2万", "70k/mo").
				if f != fieldSalary && c.period == "" {
					continue
				}
				if w.lakhBare(t, c.start) || rupeesBefore(t, c.start) {
					continue // rupees, taka or rupees of Nepal: which, the ad does not say
				}
				c.currency = defaultCurrency[lang]
				if c.currency == "" {
					c.currency = "USD"
				}
			}
			c.currency = st.localDollar(c, t)
			c.currency = st.yenOrYuan(c, t)
			rate, ok := rates[c.currency]
			if !ok {
				continue
			}
			periodSaid := c.period != ""
			if !periodSaid {
				c.period = "month"
				if c.currency == "USD" && !c.explicitC && f == fieldSalary {
					switch { // a bare US figure: hourly, monthly or yearly by size
					case c.min < 200:
						c.period = "hour"
					case c.min >= 15000:
						c.period = "year"
					}
				}
			}
			c.usdMonth = c.min * rate * periodToMonth[c.period]
			if c.usdMonth < 5 || c.usdMonth > 250000 {
				continue
			}
			if !periodSaid && c.period == "month" && c.usdMonth >= yearlyFrom {
				// No period given, and too much for a month's pay: a
				// yearly salary ("£12,000 - £16,000", "$45,000").
				c.period = "year"
				c.usdMonth /= 12
			}
			c.score = w.candidateScore(t, c, f)
			if c.score < -5 {
				continue // a charge, a bonus or a ransom, and no word of pay
			}
			if !found || c.score > best.score {
				best, found = c, true
			}
		}
		if found && best.field == fieldSalary {
			break
		}
	}
	if !found {
		return
	}
	src := st.src[best.field]
	os, oe := st.f[best.field].origSpan(src, best.start, best.end)
	st.salary = &ad.Salary{Min: best.min, Max: best.max, Currency: best.currency, Period: best.period,
		USDMonth: math.Round(best.usdMonth), Text: src[os:oe]}
	st.salarySpan = spanRef{field: int8(best.field), start: int32(best.start), end: int32(best.end)}
}

// japanWords name Japan in the languages of the ads.
var japanWords = [][]byte{[]byte("日本"), []byte("japan"), []byte("jepang"), []byte("jepun"), []byte("nhật"), []byte("hapon"),
	[]byte("ญี่ปุ่น"), []byte("ဂျပန်"), []byte("ជប៉ុន"), []byte("ຍີ່ປຸ່ນ")}

// yenOrYuan reads "¥" as the yen in an ad that names Japan, and as the
// yuan otherwise: both currencies are written with it, and the other
// words of the amount ("元", "rmb") settle it where they are there.
func (st *adState) yenOrYuan(c salaryCandidate, t []byte) string {
	span := t[c.start:c.end]
	if c.currency != "CNY" || !bytes.Contains(span, []byte("¥")) || bytes.Contains(span, []byte("元")) ||
		bytes.Contains(span, []byte("人民币")) || bytes.Contains(span, []byte("rmb")) {
		return c.currency
	}
	for f := range nFields {
		for _, w := range japanWords {
			if bytes.Contains(st.f[f].text, w) {
				return "JPY"
			}
		}
	}
	return c.currency
}

// localDollars are the places whose own currency a bare "$" or "元" names.
var localDollars = map[string]string{"TW": "TWD", "HK": "HKD", "SG": "SGD", "AU": "AUD", "CA": "CAD", "NZ": "NZD"}

// localDollar is the currency of an amount in "元" or a bare "$" where
// the ad is about one place with a dollar of its own (Taiwan, Hong Kong,
// Singapore, Australia, Canada, New Zealand): there "月薪35,000元" is New
// Taiwan dollars and "$32.50 an hour" the local dollar, not yuan or US
// dollars. A currency named outright ("人民币", "US$", "USD") stays.
func (st *adState) localDollar(c salaryCandidate, t []byte) string {
	if c.currency != "CNY" && c.currency != "USD" {
		return c.currency
	}
	cs := st.countries()
	if slices.Contains(cs, "CN") || slices.Contains(cs, "US") {
		return c.currency
	}
	local := ""
	for _, k := range cs {
		cur, ok := localDollars[k]
		if !ok {
			continue
		}
		if local != "" && local != cur {
			return c.currency // two of them: which one, the ad does not say
		}
		local = cur
	}
	if local == "" {
		return c.currency
	}
	span := t[c.start:c.end]
	switch c.currency {
	case "CNY":
		if bytes.Contains(span, []byte("人民币")) || bytes.Contains(span, []byte("rmb")) || bytes.Contains(span, []byte("cny")) {
			return c.currency
		}
	case "USD":
		if !bytes.Contains(span, []byte("$")) || bytes.Contains(span, []byte("us$")) || bytes.Contains(span, []byte("usd")) {
			return c.currency
		}
	}
	return local
}

func (w *salaryWords) candidateScore(t []byte, c salaryCandidate, f int) int {
	score := 0
	if f == fieldSalary {
		score += 20
	}
	before := t[max(0, c.start-40):c.start]
	// Only the clause the amount is in: "fee of USD 180. Salary USD
	// 1,200" has a fee and a salary.
	for _, stop := range clauseStops {
		if k := bytes.LastIndex(before, stop); k >= 0 {
			before = before[k+len(stop):]
		}
	}
	after := t[c.end:min(len(t), c.end+12)]
	if w.salaryCues.in(before) {
		score += 6
	}
	if w.notPayCues.in(before) || w.notPayCues.in(after) {
		score -= 10
	}
	if c.explicitC {
		score += 2
	}
	if c.period != "" {
		score += 2
	}
	return score
}

// amountCue reports whether the number at t[i] has a currency or a
// multiplier beside it, or a pay word before it: outside the salary field,
// bare numbers (dates, counts, phone numbers) are not pay.
func (w *salaryWords) amountCue(t []byte, i int) bool {
	if cur, _ := w.currencyBefore(t, i); cur != "" {
		return true
	}
	if _, lakh := lakhBefore(t, i); lakh {
		return true
	}
	j := i
	for j < len(t) && (isASCIIDigit(t[j]) || (t[j] == ',' || t[j] == '.') && j+1 < len(t) && isASCIIDigit(t[j+1])) {
		j++
	}
	if m, _, _ := w.suffixMultiplier(t, j); m != 1 {
		return true
	}
	if cur, _ := w.currencyAfter(t, j); cur != "" {
		return true
	}
	if r := w.rangeSep(t, j); r > j {
		return true // "16-19 jt": the cue may follow the second number
	}
	return w.periodBefore(t, i) != ""
}

// lakhWord is the Burmese lakh (100,000 kyat), written before its number
// as often as after it ("လစာ သိန်း ၁၅", "၁၅ သိန်း").
const lakhWord = "သိန်း"

// lakhBefore reports whether the lakh stands just before the number at
// t[i], and where it starts.
func lakhBefore(t []byte, i int) (int, bool) {
	j := i
	for j > 0 && t[j-1] == ' ' && i-j < 2 {
		j--
	}
	if j >= len(lakhWord) && string(t[j-len(lakhWord):j]) == lakhWord {
		return j - len(lakhWord), true
	}
	return i, false
}

// millionSuffix reports whether t[i] is an "m" that ends a word.
func millionSuffix(t []byte, i int) bool {
	return i < len(t) && t[i] == 'm' && (i+1 == len(t) || !isASCIILetter(t[i+1]) && !isASCIIDigit(t[i+1]))
}

// parseAmount reads an amount or a range starting at the digit t[i].
func (w *salaryWords) parseAmount(t []byte, i, field int) (salaryCandidate, int) {
	c := salaryCandidate{field: field, start: i}
	cur, curAt := w.currencyBefore(t, i)
	if cur != "" {
		c.currency, c.explicitC, c.start = cur, true, curAt
	}
	lakhAt, lakh := lakhBefore(t, i)
	if lakh && cur == "" {
		c.currency, c.start = "MMK", lakhAt
	}
	c.period = w.periodBefore(t, c.start)
	v, end := parseNumber(t, i)
	if end == i {
		return c, i
	}
	numEnd := end
	mult, mcur, end := w.suffixMultiplier(t, end)
	if lakh && mult == 1 {
		mult = 1e5
	}
	if mult == 1 && c.explicitC && millionSuffix(t, end) {
		mult, end = 1e6, end+1 // "₩2.2M", "PHP 1.5m": after a currency, m is a million
	}
	v, end = addShorthandDigits(t, v, numEnd, end)
	v *= mult
	if mcur != "" && c.currency == "" {
		c.currency = mcur
	}
	if cur, e := w.currencyAfter(t, end); cur != "" {
		if c.currency == "" || !c.explicitC {
			c.currency, c.explicitC = cur, true
		}
		end = e
	}
	c.min, c.max = v, 0
	// A range: "1,000-1,400", "16-19 jt", "2.2万-2.8万", "8k~35k".
	if j := w.rangeSep(t, end); j > end {
		k := j
		if cur2, at := w.currencyAfter(t, k); cur2 != "" && at > k {
			k = skipSpaces(t, at)
		} else if c.currency == "PHP" && pesoAt(t, k+1) {
			k++ // "P60,000 - P80,000"
		}
		lakh2 := false
		if bytes.HasPrefix(t[k:], []byte(lakhWord)) {
			k, lakh2 = skipSpaces(t, k+len(lakhWord)), true // "သိန်း ၁၅ မှ သိန်း ၃၀"
		}
		if k < len(t) && isASCIIDigit(t[k]) {
			v2, n2 := parseNumber(t, k)
			m2, mc2, e2 := w.suffixMultiplier(t, n2)
			if lakh2 && m2 == 1 {
				m2 = 1e5
			}
			if m2 == 1 && c.explicitC && millionSuffix(t, e2) {
				m2, e2 = 1e6, e2+1
			}
			v2, e2 = addShorthandDigits(t, v2, n2, e2)
			if mult == 1 && m2 != 1 {
				c.min *= m2 // "16-19 jt": the multiplier covers both
				if c.currency == "" {
					c.currency = mc2
				}
			}
			v2 *= m2
			if cur2, e3 := w.currencyAfter(t, e2); cur2 != "" {
				if c.currency == "" || !c.explicitC {
					c.currency, c.explicitC = cur2, true
				}
				e2 = e3
			}
			if v2 >= c.min {
				c.max = v2
				end = e2
			}
		}
	}
	if p, e := w.periodAfter(t, end); p != "" {
		if c.period == "" || c.period == payWord {
			c.period = p
		}
		end = e
	}
	if c.period == payWord {
		c.period = "month"
	}
	c.end = end
	for c.end > c.start && t[c.end-1] == ' ' {
		c.end--
	}
	return c, end
}

// parseNumber reads digits with thousands separators (1,000 1.000
// 12 000 000) or a decimal part (1.5 4,5).
func parseNumber(t []byte, i int) (float64, int) {
	v := 0.0
	j := i
	digits := 0
	for j < len(t) && isASCIIDigit(t[j]) && digits < 15 {
		v = v*10 + float64(t[j]-'0')
		j++
		digits++
	}
	for j+1 < len(t) && (t[j] == ',' || t[j] == '.' || t[j] == ' ') && isASCIIDigit(t[j+1]) {
		k := j + 1
		for k < len(t) && isASCIIDigit(t[k]) {
			k++
		}
		if k-(j+1) == 3 && (k >= len(t) || !isASCIIDigit(t[k])) && digits <= 12 {
			for _, d := range t[j+1 : k] {
				v = v*10 + float64(d-'0')
			}
			digits += 3
			j = k
			continue
		}
		// South Asian grouping: lakhs and crores in pairs before the last
		// three digits ("1,20,000", "9,00,00,000").
		if t[j] == ',' && k-(j+1) == 2 && k+1 < len(t) && t[k] == ',' && isASCIIDigit(t[k+1]) && digits <= 12 {
			v = v*100 + float64(t[j+1]-'0')*10 + float64(t[j+2]-'0')
			digits += 2
			j = k
			continue
		}
		if t[j] == ' ' {
			break
		}
		// a decimal part
		scale := 0.1
		for _, d := range t[j+1 : k] {
			v += float64(d-'0') * scale
			scale /= 10
		}
		j = k
		break
	}
	return v, j
}

func skipSpaces(t []byte, i int) int {
	for i < len(t) && t[i] == ' ' {
		i++
	}
	return i
}

func hasWordAt(t []byte, i int, w string) bool {
	if i+len(w) > len(t) || string(t[i:i+len(w)]) != w {
		return false
	}
	// Words of Latin letters end at a word boundary: "rm" is not "rmb",
	// nor "củ" (a million dong) "của" ("of").
	last := w[len(w)-1]
	if i+len(w) >= len(t) {
		return true
	}
	if isASCIILetter(last) {
		return !isASCIILetter(t[i+len(w)])
	}
	if last >= utf8.RuneSelf {
		if r, _ := utf8.DecodeLastRuneInString(w); unicode.Is(unicode.Latin, r) {
			next, _ := utf8.DecodeRune(t[i+len(w):])
			return !unicode.IsLetter(next)
		}
	}
	return true
}

// salaryWords indexes the currency, multiplier and period words by their
// first and last byte, so looking around each number costs a few
// comparisons rather than one per word.
type salaryWords struct {
	curFirst, curLast [256][]currencyWord
	multFirst         [256][]int // indexes into multiplierWords
	periodFirst       [256][]int // indexes into periodWords
	prefixLast        [256][]int // indexes into periodPrefixes, by last byte
	salaryCues        *cueSet
	notPayCues        *cueSet
	rangeFirst        [256][]string // rangeSeps by first byte, in order
}

type currencyWord struct{ word, code string }

var theSalaryWords = sync.OnceValue(func() *salaryWords {
	w := &salaryWords{}
	for _, code := range sortedKeys(currencyWords) {
		for _, word := range currencyWords[code] {
			cw := currencyWord{word, code}
			w.curFirst[word[0]] = append(w.curFirst[word[0]], cw)
			w.curLast[word[len(word)-1]] = append(w.curLast[word[len(word)-1]], cw)
		}
	}
	for i, m := range multiplierWords {
		w.multFirst[m.word[0]] = append(w.multFirst[m.word[0]], i)
	}
	for i, p := range periodWords {
		w.periodFirst[p.word[0]] = append(w.periodFirst[p.word[0]], i)
	}
	for i, p := range periodPrefixes {
		last := p.word[len(p.word)-1]
		w.prefixLast[last] = append(w.prefixLast[last], i)
	}
	w.salaryCues, w.notPayCues = newCueSet(salaryCues), newCueSet(notPayCues)
	for _, s := range rangeSeps {
		w.rangeFirst[s[0]] = append(w.rangeFirst[s[0]], s)
	}
	return w
})

func (w *salaryWords) suffixMultiplier(t []byte, i int) (float64, string, int) {
	j := skipSpaces(t, i)
	if j >= len(t) {
		return 1, "", i
	}
	for _, k := range w.multFirst[t[j]] {
		if m := multiplierWords[k]; hasWordAt(t, j, m.word) {
			return m.factor, m.currency, j + len(m.word)
		}
	}
	return 1, "", i
}

// multipliedBare reports whether the bare number at i has a multiplier
// that makes it money in the ad's own currency ("费用6.8万", "phí 3 triệu"):
// "fees of up to 300,000" may be in any currency, and so may a lakh, which
// counts rupees, taka and Nepali rupees alike.
func (w *salaryWords) multipliedBare(t []byte, i int) bool {
	_, numEnd := parseNumber(t, i)
	m, cur, _ := w.suffixMultiplier(t, numEnd)
	return m != 1 && !lakhs(m, cur)
}

// lakhBare reports whether the number at i is counted in lakhs with no
// currency named: the amount is in one of South Asia's currencies, and
// which one the ad does not say.
func (w *salaryWords) lakhBare(t []byte, i int) bool {
	_, numEnd := parseNumber(t, i)
	m, cur, _ := w.suffixMultiplier(t, numEnd)
	return lakhs(m, cur)
}

// rupeesBefore reports whether the amount at t[i] follows "Rs" or "Rs.":
// rupees of India, Pakistan, Sri Lanka or Nepal, whose worth differs
// threefold, and far from the dollar a bare amount in English is read as.
func rupeesBefore(t []byte, i int) bool {
	j := i
	for j > 0 && (t[j-1] == ' ' || t[j-1] == '.' || t[j-1] == ':') {
		j--
	}
	return j >= 2 && t[j-2] == 'r' && t[j-1] == 's' && (j == 2 || !isASCIIAlnum(t[j-3]))
}

// lakhs reports whether a multiplier is the lakh, which names no currency
// ("သိန်း" is also 1e5 but names kyat).
func lakhs(m float64, cur string) bool {
	return m == 1e5 && cur == ""
}

// addShorthandDigits reads the digits written after a multiplier joined
// to its number, the chat shorthand for the next places: "1k5" is 1.5
// thousand, "1k250" 1.25 thousand, "2tr5" 2.5 million, "1w2" 1.2 万. numEnd is where the number
// ended and multEnd where the multiplier did; it returns the number with
// those digits added as its decimal part, and where they end.
func addShorthandDigits(t []byte, v float64, numEnd, multEnd int) (float64, int) {
	if multEnd == numEnd || t[numEnd] == ' ' {
		return v, multEnd // no multiplier, or one apart from its number
	}
	j := multEnd
	for j < len(t) && j-multEnd < 4 && isASCIIDigit(t[j]) {
		j++
	}
	if j == multEnd || j-multEnd > 3 || j < len(t) && (isASCIIDigit(t[j]) || isASCIILetter(t[j])) {
		return v, multEnd
	}
	scale := 0.1
	for _, d := range t[multEnd:j] {
		v += float64(d-'0') * scale
		scale /= 10
	}
	return v, j
}

func (w *salaryWords) currencyAfter(t []byte, i int) (string, int) {
	j := skipSpaces(t, i)
	if j >= len(t) {
		return "", i
	}
	bestCode, bestLen := "", 0
	for _, cw := range w.curFirst[t[j]] {
		if len(cw.word) > bestLen && hasWordAt(t, j, cw.word) {
			bestCode, bestLen = cw.code, len(cw.word)
		}
	}
	if bestCode == "" {
		return "", i
	}
	return bestCode, j + bestLen
}

// currencyBefore finds a currency written just before the amount ("USD
// 1,500", "₱60,000", "rp 5.000.000", "ကျပ် 15").
func (w *salaryWords) currencyBefore(t []byte, i int) (string, int) {
	j := i
	for j > 0 && t[j-1] == ' ' && i-j < 2 {
		j--
	}
	if j == 0 {
		return "", i
	}
	bestCode, bestLen := "", 0
	for _, cw := range w.curLast[t[j-1]] {
		word := cw.word
		if len(word) == 1 && isASCIILetter(word[0]) {
			continue // "2000u" reads as USDT; a "u" before a number ends "sáu"
		}
		if len(word) > bestLen && j >= len(word) && string(t[j-len(word):j]) == word {
			// a letter word must start at a boundary: "from" is not "rm"
			if isASCIILetter(word[0]) && j-len(word) > 0 && isASCIILetter(t[j-len(word)-1]) {
				continue
			}
			bestCode, bestLen = cw.code, len(word)
		}
	}
	if bestCode == "" {
		if j == i && pesoAt(t, i) {
			return "PHP", i - 1
		}
		return "", i
	}
	return bestCode, j - bestLen
}

// pesoAt reports whether a bare "P" just before t[i], starting a word,
// makes the amount at t[i] pesos, as Filipinos write them ("P60,000",
// "P25k"): at least two digits and then a thousands comma or a k, or four
// digits. Shorter runs are names ("P3MI", "P2P").
func pesoAt(t []byte, i int) bool {
	if i < 1 || i >= len(t) || t[i-1] != 'p' || i >= 2 && isASCIIAlnum(t[i-2]) {
		return false
	}
	t = t[i:]
	n := 0
	for n < len(t) && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n >= 4 {
		return true
	}
	if n < 2 || n == len(t) {
		return false
	}
	switch t[n] {
	case 'k':
		return n+1 == len(t) || !isASCIIAlnum(t[n+1])
	case ',':
		return n+4 <= len(t) && isASCIIDigit(t[n+1]) && isASCIIDigit(t[n+2]) && isASCIIDigit(t[n+3])
	}
	return false
}

// periodBefore finds a word that sets the period ("月薪", "gaji pokok")
// ending at most 6 bytes (a colon, spaces) before the amount at t[i] and
// starting at most 24 bytes before it. Where several do, the first in
// periodPrefixes wins. Only the few places such a word can end are
// tried, by their last byte: this runs for every number in an ad.
func (w *salaryWords) periodBefore(t []byte, i int) string {
	// The longest word, "เงินเดือน" (27 bytes), and the space and symbol
	// that may stand between it and the amount.
	w0 := max(0, i-6-maxPeriodPrefix)
	best := len(periodPrefixes)
	for e := i; e > w0 && e >= i-6; e-- {
		for _, k := range w.prefixLast[t[e-1]] {
			word := periodPrefixes[k].word
			if k < best && e-len(word) >= w0 && string(t[e-len(word):e]) == word {
				best = k
			}
		}
	}
	if best == len(periodPrefixes) {
		return ""
	}
	return periodPrefixes[best].period
}

func (w *salaryWords) periodAfter(t []byte, i int) (string, int) {
	j := skipSpaces(t, i)
	if j >= len(t) || t[j] == '+' || t[j] == ')' {
		return "", i
	}
	for _, k := range w.periodFirst[t[j]] {
		if p := periodWords[k]; hasWordAt(t, j, p.word) {
			return p.period, j + len(p.word)
		}
	}
	return "", i
}

// rangeSeps join the two ends of a range ("16-19 jt", "8k~35k", "1000
// to 1400"), in the order they are tried.
var rangeSeps = []string{"-", "~", "to", "hingga", "sampai", "đến", "tới", "ถึง", "至", "到", "hanggang", "–", "မှ"}

func (w *salaryWords) rangeSep(t []byte, i int) int {
	j := skipSpaces(t, i)
	if j >= len(t) {
		return i
	}
	for _, s := range w.rangeFirst[t[j]] {
		if hasWordAt(t, j, s) {
			return skipSpaces(t, j+len(s))
		}
	}
	return i
}
