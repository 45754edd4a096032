package classifier

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func TestSalaryExtraction(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		salary, body, lang string
		cur                string
		min, max           float64
		period             string
		usd                float64 // expected USD a month, within 2%
	}{
		{"USD 1,500–2,000/month", "", "en", "USD", 1500, 2000, "month", 1500},
		{"", "Salary $1.5k per month", "en", "USD", 1500, 0, "month", 1500},
		{"", "Gaji Rp 16–19 jt/bulan", "id", "IDR", 16e6, 19e6, "month", 1008},
		{"Rp 4,5–5,5 juta", "", "id", "IDR", 4.5e6, 5.5e6, "month", 283.5},
		{"", "Lương 22–28 triệu/tháng", "vi", "VND", 22e6, 28e6, "month", 858},
		{"1.200$ (khoảng 30 triệu)", "", "vi", "USD", 1200, 0, "month", 1200},
		{"32,000–48,000 บาท", "", "th", "THB", 32000, 48000, "month", 928},
		// "เดือนละ", "per month", before the amount sets its period, as
		// "เงินเดือน" does; the multiplier and the language give the baht.
		{"", "ได้เดือนละ 6 หมื่น งานแอดมิน", "th", "THB", 60000, 0, "month", 1740},
		{"", "ຮັບເງິນເດືອນລະ 5,000,000 ກີບ", "lo", "LAK", 5e6, 0, "month", 230},
		{"₱60,000 monthly", "", "tl", "PHP", 60000, 0, "month", 1044},
		{"65,000 pesos/month", "", "tl", "PHP", 65000, 0, "month", 1131},
		{"P60,000 - P80,000/month", "", "tl", "PHP", 60000, 80000, "month", 1044},
		// A bare "元" or "$" where the ad is about Taiwan, Hong Kong or
		// Singapore alone is that place's dollar.
		{"", "台北市 客服 月薪35,000元起", "zh", "TWD", 35000, 0, "month", 1085},
		{"", "香港 文員 月薪$18,000", "zh", "HKD", 18000, 0, "month", 2304},
		{"", "Admin assistant in Singapore, $2,800 a month", "en", "SGD", 2800, 0, "month", 2100},
		{"", "台湾工厂 月薪人民币8000元", "zh", "CNY", 8000, 0, "month", 1112},
		{"", "Taiwan factory, US$1,200 monthly", "en", "USD", 1200, 0, "month", 1200},
		{"", "Customer service officer, Brisbane QLD, $32.50 per hour", "en", "AUD", 32.5, 0, "hour", 3655},
		{"MOP 17,000-21,000", "", "zh", "MOP", 17000, 21000, "month", 2108},
		{"MXN 16,000–19,000 monthly", "", "en", "MXN", 16000, 19000, "month", 880},
		{"R$ 2.800 por mês", "", "en", "BRL", 2800, 0, "month", 504},
		{"", "CSR, P25k a month", "en", "PHP", 25000, 0, "month", 435},
		{"RM7,500 – RM12,000 sebulan", "", "ms", "MYR", 7500, 12000, "month", 1650},
		{"底薪7000-11000 RMB + 提成", "", "zh", "CNY", 7000, 11000, "month", 973},
		{"月薪1.2万-1.8万", "", "zh", "CNY", 12000, 18000, "month", 1668},
		{"4000-6000元/月", "", "zh", "CNY", 4000, 6000, "month", 556},
		{"8K~35K", "", "zh", "CNY", 8000, 35000, "month", 1112},
		{"", "年薪60-90万人民币", "zh", "CNY", 600000, 900000, "year", 6950},
		{"KHR 1,600,000", "", "km", "KHR", 1.6e6, 0, "month", 400},
		{"ကျပ် ၁၂ သိန်း – ၁၈ သိန်း", "", "my", "MMK", 1.2e6, 1.8e6, "month", 576},
		// A word for pay makes a bare amount pay, by the month unless a
		// period follows.
		{"", "Kerja CS je, gaji 6k, tiket ada", "ms", "MYR", 6000, 0, "month", 1320},
		{"", "Gaji 150rb/hari, dibayar mingguan", "id", "IDR", 150000, 0, "day", 246},
		// Burmese "a day" before the currency sets the period.
		{"", "လုပ်ခ – တစ်ရက် ဘတ် ၃၆၃ (အနည်းဆုံးလုပ်ခ)", "my", "THB", 363, 0, "day", 274},
		{"", "လစာ သိန်း ၁၅ မှ သိန်း ၃၀ နေစရာ အခမဲ့", "my", "MMK", 1.5e6, 3e6, "month", 720},
		{"", "Factory worker, ₩2.2M-2.6M/mo", "en", "KRW", 2.2e6, 2.6e6, "month", 1584},
		{"", "ကြိုတင် သိန်း ၂၀ ပေးရမည်၊ လစာ သိန်း ၄၅", "my", "MMK", 4.5e6, 0, "month", 2160},
		{"LAK 5,500,000–8,000,000/month", "", "lo", "LAK", 5.5e6, 8e6, "month", 253},
		{"6,500 – 8,500 ຢວນ", "", "lo", "CNY", 6500, 8500, "month", 903.5},
		{"$20/hr", "", "en", "USD", 20, 0, "hour", 3460},
		{"10$/ម៉ោង", "", "km", "USD", 10, 0, "hour", 1730},
		{"50,000 ກີບ/ມື້", "", "lo", "LAK", 50000, 0, "day", 60},
		{"", "ค่าแรง 400 บาทต่อวัน", "th", "THB", 400, 0, "day", 301},
		// A bare amount after a Thai, Lao or Khmer word for monthly pay,
		// which is longer than the 24 bytes once looked at.
		{"", "รับสมัครแอดมิน เงินเดือน 50,000", "th", "THB", 50000, 0, "month", 1450},
		{"", "ເງິນເດືອນ 3,000,000", "lo", "LAK", 3e6, 0, "month", 138},
		// Currencies of workers recruited from Africa, South Asia and the Gulf.
		{"NPR 35,000 - 45,000/month", "", "en", "NPR", 35000, 45000, "month", 262},
		{"KSh 60,000", "", "en", "KES", 60000, 0, "month", 462},
		{"QAR 1,800/month", "", "en", "QAR", 1800, 0, "month", 495},
		{"₦450,000 monthly", "", "en", "NGN", 450000, 0, "month", 292},
		// A bare amount with its period after it.
		{"", "direct hire Thailand office work 70k/mo", "tl", "PHP", 70000, 0, "month", 1218},
		{"26000-32000", "", "en", "USD", 26000, 32000, "year", 2167},
		// No period, and too much for a month: a yearly salary.
		{"£12,000 - £16,000", "", "en", "GBP", 12000, 16000, "year", 1270},
		{"", "Salary: $45,000 plus benefits", "en", "USD", 45000, 0, "year", 3750},
		{"SGD 9,000", "", "en", "SGD", 9000, 0, "month", 6750},
		{"", "Earn $120-$180 daily", "en", "USD", 120, 180, "day", 3120},
		// The compounds' "U" for USDT, after the amount only.
		{"", "KK二期招组长，底薪2000U+组员业绩3%", "zh", "USDT", 2000, 0, "month", 2000},
		// Chat shorthand: the digits after a multiplier joined to its
		// number are the next places; "củ" is a million dong, "w" 万.
		{"", "admin CS, gaji 1k5 $ + bonus target", "id", "USD", 1500, 0, "month", 1500},
		{"", "Marketing 1k8$ + commission", "en", "USD", 1800, 0, "month", 1800},
		{"", "lương 15 củ/tháng", "vi", "VND", 15e6, 0, "month", 585},
		{"", "lương 2tr5 - 3tr", "vi", "VND", 2.5e6, 3e6, "month", 97.5},
		{"", "月入3w+，轻松", "zh", "CNY", 30000, 0, "month", 4170},
		{"", "做遊戲客服的，一個月穩穩10幾萬", "zh", "CNY", 100000, 0, "month", 13900},
		{"", "月薪20多万，包吃住", "zh", "CNY", 200000, 0, "month", 27800},
		{"", "底薪1w2-1w5", "zh", "CNY", 12000, 15000, "month", 1668},
		// Chinese numerals before 万 and 千, read as digits; "一个月"
		// and "每月" set the period as "月薪" does.
		{"", "泰国那边有个活，一个月两三万，老板管机票", "zh", "CNY", 20000, 30000, "month", 2780},
		{"", "每月一万五，包吃住", "zh", "CNY", 15000, 0, "month", 2085},
		// Thai, Lao, Khmer and Burmese amounts in words; a digit after
		// the last unit is the next place down, as it is spoken.
		{"", "เงินเดือนสามหมื่นห้า ทำงานสบาย", "th", "THB", 35000, 0, "month", 1015},
		{"", "ค่าแรง 3 หมื่น 5 บาท", "th", "THB", 35000, 0, "month", 1015},
		{"", "วันละห้าร้อยบาท", "th", "THB", 500, 0, "day", 377},
		{"", "ເງິນເດືອນ ສາມລ້ານກີບ", "lo", "LAK", 3e6, 0, "month", 138},
		{"", "ប្រាក់ខែមួយពាន់ប្រាំរយដុល្លារ", "km", "USD", 1500, 0, "month", 1500},
		{"", "လစာ ဆယ့်ငါးသိန်း", "my", "MMK", 1.5e6, 0, "month", 720},
		// A unit with no number before it counts one ("หมื่นสอง" 12,000),
		// "หลัก" ("figures") too; "more than" reads as the least.
		{"", "เดือนละหมื่นสอง-สองหมื่นกว่า", "th", "THB", 12000, 20000, "month", 348},
		{"", "รายได้หลักแสนต่อเดือน", "th", "THB", 1e5, 0, "month", 2900},
		{"", "ຄົນຂະຫຍັນໄດ້ວັນລະ ແສນກວ່າກີບ", "lo", "LAK", 1e5, 0, "day", 120},
		{"", "ວັນລະ 3 ຮ້ອຍກວ່າບາດ", "lo", "THB", 300, 0, "day", 226},
		{"", "ວຽກດີໆ ວັນລະພັນບາດ", "lo", "THB", 1000, 0, "day", 754},
		{"", "บินฟรี เงินเดือนเริ่ม 40k ไม่ต้องมีประสบการณ์", "th", "THB", 40000, 0, "month", 1160},
		// "¥" is the yen where the ad names Japan, the yuan elsewhere.
		{"", "kerja di pabrik Jepang, gaji ¥172rb kotor", "id", "JPY", 172000, 0, "month", 1135},
		{"", "月薪¥8000，包吃住", "zh", "CNY", 8000, 0, "month", 1112},
		// Lakhs grouped in pairs; a bare lakh names no currency.
		{"", "Salary ₹1,20,000 per month", "en", "INR", 120000, 0, "month", 1440},
		// Ten thousands in Lao, Khmer and Burmese.
		{"", "ເງິນເດືອນ ເດືອນລະ 3 ໝື່ນ ບາດ", "lo", "THB", 30000, 0, "month", 870},
		{"", "ប្រាក់ខែ 3 ម៉ឺន បាត", "km", "THB", 30000, 0, "month", 870},
	}
	for _, tc := range tests {
		v := c.Classify(&ad.Raw{Salary: tc.salary, Body: tc.body, Lang: tc.lang})
		s := v.Extracted.Salary
		if s == nil {
			t.Errorf("%q%q: no salary found", tc.salary, tc.body)
			continue
		}
		if s.Currency != tc.cur || s.Min != tc.min || s.Max != tc.max || s.Period != tc.period || math.Abs(s.USDMonth-tc.usd) > 0.02*tc.usd+1 {
			t.Errorf("%q%q: got %s %v-%v /%s = $%v, want %s %v-%v /%s = $%v", tc.salary, tc.body, s.Currency, s.Min, s.Max, s.Period, s.USDMonth, tc.cur, tc.min, tc.max, tc.period, tc.usd)
		}
	}
}

// TestSalaryShorthandNeedsItsBoundaries keeps the shorthand to numbers it
// is joined to: "củ" does not start "của" ("of"), a multiplier apart from
// the digits after it takes none of them, and four digits after one are
// no decimal part.
func TestSalaryShorthandNeedsItsBoundaries(t *testing.T) {
	c := shippedClassifier(t)
	for _, tc := range []struct {
		body string
		want float64 // 0: no salary
	}{
		{"Em gửi 2 của mẹ và 3 của chị", 0},
		{"Salary USD 2k 500 bonus", 2000},
		{"Salary USD 1k250 bonus", 1250},
		{"Salary USD 1k2500 bonus", 1000},
	} {
		s := c.Classify(&ad.Raw{Body: tc.body, Lang: "en"}).Extracted.Salary
		switch {
		case tc.want == 0 && s != nil:
			t.Errorf("%q: salary %v %s, want none", tc.body, s.Min, s.Currency)
		case tc.want != 0 && (s == nil || s.Min != tc.want):
			t.Errorf("%q: salary %+v, want %v", tc.body, s, tc.want)
		}
	}
}

// "Rs" is the rupee of India, Pakistan, Sri Lanka or Nepal: an amount
// after it is read as no salary rather than as the dollars a bare amount
// in English would be.
func TestSalaryInRupeesOfNoCountry(t *testing.T) {
	c := shippedClassifier(t)
	for _, tc := range []struct {
		salary, body string
		want         string // currency, or "" for no salary
	}{
		{"Rs. 65,000 + allowances", "", ""},
		{"", "Salary Rs 45000 monthly", ""},
		{"", "Salary: Rs.30,000 per month", ""},
		{"", "Salary ₹45,000 per month", "INR"},
		{"", "Salary PKR 90,000 per month", "PKR"},
		{"1,200 per month", "", "USD"},
	} {
		s := c.Classify(&ad.Raw{Salary: tc.salary, Body: tc.body, Lang: "en"}).Extracted.Salary
		switch {
		case tc.want == "" && s != nil:
			t.Errorf("%q%q: salary %v %s, want none", tc.salary, tc.body, s.Min, s.Currency)
		case tc.want != "" && (s == nil || s.Currency != tc.want):
			t.Errorf("%q%q: salary %+v, want one in %s", tc.salary, tc.body, s, tc.want)
		}
	}
}

func TestSalaryIgnoresFees(t *testing.T) {
	c := shippedClassifier(t)
	v := c.Classify(&ad.Raw{Body: "A deposit of USD 150 is due first. Salary USD 1,250 per month."})
	if s := v.Extracted.Salary; s == nil || s.Min != 1250 {
		t.Errorf("salary %+v, want the USD 1,250 pay, not the deposit", s)
	}
}

// TestSalaryPIsPesosOnlyBeforeAnAmount reads a bare "P" as pesos only
// before a wage-sized amount: "P3MI" (an Indonesian agency) and "P2P"
// are names.
func TestSalaryPIsPesosOnlyBeforeAnAmount(t *testing.T) {
	c := shippedClassifier(t)
	for _, body := range []string{"Lowongan P3MI resmi ke Taiwan", "P2P lending analyst", "Parking slot P12"} {
		if s := c.Classify(&ad.Raw{Body: body, Lang: "en"}).Extracted.Salary; s != nil && s.Currency == "PHP" {
			t.Errorf("%q: salary %+v read as pesos", body, s)
		}
	}
}

// TestSalaryUIsNoCurrencyBefore keeps the "U" of USDT to amounts it
// follows: a "u" before a number ends a word, as in Vietnamese "thứ Sáu
// 20/6" (Friday the 20th).
func TestSalaryUIsNoCurrencyBefore(t *testing.T) {
	c := shippedClassifier(t)
	v := c.Classify(&ad.Raw{Body: "Em xin đổi ca đêm thứ Sáu 20/6 sang ca ngày Chủ nhật 22/6 do có việc gia đình."})
	if s := v.Extracted.Salary; s != nil && s.Currency == "USDT" {
		t.Errorf("salary %+v read from a date", s)
	}
}

func TestLanguagesAndNationalities(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		ad    ad.Raw
		langs []string
		nats  []string
	}{
		{ad.Raw{Body: "Kami butuh staf gudang di perusahaan kami, bisa mulai minggu depan, silakan hubungi kantor. Khusus WNI."}, []string{"id"}, []string{"ID"}},
		{ad.Raw{Body: "Cửa hàng của chúng tôi cần người bán hàng, có lương tháng và được nghỉ cuối tuần"}, []string{"vi"}, []string{"VN"}},
		{ad.Raw{Body: "ร้านอาหารของเรารับพนักงานเสิร์ฟ ทำงานวันละแปดชั่วโมง มีวันหยุด"}, []string{"th"}, []string{"TH"}},
		{ad.Raw{Body: "ហាងយើងខ្ញុំត្រូវការអ្នកលក់ ធ្វើការពេលព្រឹក"}, []string{"km"}, []string{"KH"}},
		{ad.Raw{Body: "本店招聘收银员两名，周末双休，欢迎来店面试"}, []string{"zh"}, []string{"CN"}},
		{ad.Raw{Body: "Naghahanap kami ng tindera para sa aming tindahan, pwede ang walang experience, may sahod at day off"}, []string{"tl"}, []string{"PH"}},
		{ad.Raw{Body: "This role will suit people who have worked with teams before, and your manager will train you. Kababayans welcome, salary 62,000 pesos"}, []string{"en"}, []string{"PH"}},
	}
	for _, tc := range tests {
		x := c.Classify(&tc.ad).Extracted
		if len(x.Languages) == 0 || x.Languages[0] != tc.langs[0] {
			t.Errorf("%q: languages %v, want %v first", tc.ad.Body[:30], x.Languages, tc.langs)
		}
		if !sameStrings(x.Nationalities, tc.nats) {
			t.Errorf("%q: nationalities %v, want %v", tc.ad.Body[:30], x.Nationalities, tc.nats)
		}
	}
}

// TestPlacesNamed: a place's alias inside one of its except phrases
// names no place ("hai bên cam kết", both parties commit), the same alias
// elsewhere does, and so does a name in leetspeak.
func TestPlacesNamed(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		body   string
		places []string
	}{
		{"Con tôi đi làm bên Cam 2 năm rồi, lương 1500$.", []string{"Cambodia"}},
		{"Hai bên cam kết thực hiện đúng hợp đồng lao động.", nil},
		{"Ai muốn qua Cam làm CSKH thì ib.", []string{"Cambodia"}},
		{"Nhà máy ở Cam Ranh cần công nhân.", nil},
		{"Chat agents for P0ipet and S1hanoukville, 1200$", []string{"Poipet", "Sihanoukville"}},
	}
	for _, tc := range tests {
		x := c.Classify(&ad.Raw{Body: tc.body}).Extracted
		if !sameStrings(x.Places, tc.places) {
			t.Errorf("%q: places %v, want %v", tc.body, x.Places, tc.places)
		}
	}
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestContactKindIsStable: "telepon" starts with "tele", so both a phone
// word and a Telegram word stand at the same place before the number;
// the longer word wins, every time.
func TestContactKindIsStable(t *testing.T) {
	c := shippedClassifier(t)
	for range 20 {
		x := c.Classify(&ad.Raw{Body: "Hubungi telepon 081234567890 sekarang"}).Extracted
		if len(x.Contacts) != 1 || x.Contacts[0].Kind != "phone" || x.Contacts[0].Value != "081234567890" {
			t.Fatalf("contacts %+v, want one phone 081234567890", x.Contacts)
		}
	}
}

// TestMentionIsNoHandle: in a comment, "@Rina Santos" tags a person, as
// Facebook writes a tag, and is no Telegram name; a handle with digits or
// an underscore, one in lower case, or one after a channel's name is.
func TestMentionIsNoHandle(t *testing.T) {
	c := shippedClassifier(t)
	for _, tc := range []struct {
		body string
		want string // the Telegram contact found, or ""
	}{
		{"@Rina Santos @Joel Dizon you were both looking for part-time, this café is legit", ""},
		{"@Linh Trần con đừng có nghe mấy cái này nha", ""},
		{"Data entry, $1,500 a month. Message @Anna Today", ""},
		{"Data entry, $1,500 a month. Message @hr_anna today", "@hr_anna"},
		{"Data entry, $1,500 a month. Message @Anna88 Today", "@anna88"},
		{"Data entry, $1,500 a month. Telegram @Anna Today", "@anna"},
	} {
		x := c.Classify(&ad.Raw{Body: tc.body}).Extracted
		got := ""
		for _, ct := range x.Contacts {
			if ct.Kind == "telegram" {
				got = ct.Value
			}
		}
		if got != tc.want {
			t.Errorf("%q: telegram contact %q, want %q", tc.body, got, tc.want)
		}
	}
}

// TestContactWordsNameAWayToApply checks the words that name a way of
// applying, through the shipped rule that reads them: "use your phone" is
// not a number to call, "come to the shop" is applying in person, and
// "Call/WhatsApp 0812…" offers calls too, so none leaves a chat app as
// the only way.
func TestContactWordsNameAWayToApply(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		body     string
		chatOnly bool
	}{
		{"ဖုန်းသုံးတတ်ရုံနဲ့ရပါတယ်။ Telegram @mwd_job_hr ကို ဆက်သွယ်ပါ။", true},
		{"แค่ใช้โทรศัพท์มือถือก็ทำได้ ทักไลน์มาเลย", true},
		{"ສົນໃຈທັກ WhatsApp ຫຼື ໂທຫາເອື້ອຍນາງ", false},
		{"Kedai kopi cari pekerja. WhatsApp atau datang terus ke kedai.", false},
		{"ហាងកាហ្វេត្រូវការបុគ្គលិក មកសួរនៅហាងផ្ទាល់ ឬ Telegram", false},
		{"ร้านกาแฟรับบาริสต้า แวะมาคุยที่ร้านหรือทักไลน์", false},
		{"Bakery helper wanted. Come to the shop or message us on Telegram", false},
		{"槟城发廊招洗头助理，请 WhatsApp Jason，或直接来店里。", false},
		// A number offered for calls or texts beside a chat app.
		{"Barista wanted near BGC. Text/Viber 0917 482 3390", false},
		{"Cần cô giúp việc theo giờ. Gọi/Zalo 098 412 7753", false},
		{"ຮ້ານເຝີຕ້ອງການພະນັກງານເສີບ ໂທ ຫຼື WhatsApp 020 5543 8127", false},
		{"Dicari karyawati toko. WA/HP 0812 9031 4477", false},
		{"Kedai makan cari tukang masak. Boleh datang terus atau WhatsApp", false},
		{"ហាងកាហ្វេត្រូវការបុគ្គលិក សូមអញ្ជើញមកហាងផ្ទាល់ ឬ Telegram", false},
		{"ร้านหาพนักงาน สนใจแอดไลน์หรือโทรคุยก่อนได้", false},
		// "wa" inside a word names no app: this number is for calls.
		{"Kasambahay, walang bata sa bahay. Text 0918 224 6751", false},
		// A phone word not joined to the number's app offers no call.
		{"Call center agents wanted in Cambodia! WhatsApp +855 12 345 678", true},
		{"Copy text daily from home, WhatsApp +855 12 345 678", true},
		// "ไลน์" ends the Thai word for online: no LINE is named.
		{"สมัครผ่านแอปได้เลย ตรวจประวัติออนไลน์ ไม่มีค่าสมัคร", false},
		{"ວຽກອອນໄລນ໌ ສົນໃຈໂທ 020 5543 8127", false},
		// WeChat named with a bank card as the way wages come.
		{"仓库拣货 日结 当天下班后微信/银行卡结算", false},
		// "tele-" starts another word; a hyphen after a full app name
		// still names the app.
		{"Tele-callers wanted for our loan desk, Rs 10,000 a month", false},
		{"Typing job abroad, Telegram-only interview @hr_typing", true},
		// An inbox to manage is the job, not a way to apply.
		{"Virtual assistant for inbox management and scheduling, $8 an hour", false},
	}
	for _, tt := range tests {
		v := c.Classify(&ad.Raw{Body: tt.body})
		got := slices.ContainsFunc(v.Hits, func(h ad.Hit) bool { return h.Rule == "chat-app-only-contact" })
		if got != tt.chatOnly {
			t.Errorf("%q: chat app the only way %v, want %v", tt.body, got, tt.chatOnly)
		}
	}
}

// TestPeriodBeforeLooksOnlyWhereAWordCanEnd checks periodBefore against
// its definition: the first word of periodPrefixes whose last occurrence
// in the bytes before the amount (as many as the longest word and 6 more)
// ends at most 6 bytes before it.
func TestPeriodBeforeLooksOnlyWhereAWordCanEnd(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	pieces := []string{" ", ": ", "1", "月薪", "年薪", "gaji pokok", "monthly salary", "hourly rate", "lương tháng", "เงินเดือน", "x", "salary", "ល", "ប្រាក់ខែ"}
	for range 20000 {
		var text []byte
		for k := r.IntN(8); k > 0; k-- {
			text = append(text, pieces[r.IntN(len(pieces))]...)
		}
		i := len(text)
		text = append(text, "2000"...)
		want := ""
		window := text[max(0, i-6-maxPeriodPrefix):i]
		for _, p := range periodPrefixes {
			if k := bytes.LastIndex(window, []byte(p.word)); k >= 0 && len(window)-k-len(p.word) <= 6 {
				want = p.period
				break
			}
		}
		if got := theSalaryWords().periodBefore(text, i); got != want {
			t.Fatalf("%q before the amount: period %q, want %q", text[:i], got, want)
		}
	}
}

// TestCueSetFindsWhatContainsFinds checks the first-byte index of the
// salary and fee cues against looking for each cue in turn.
func TestCueSetFindsWhatContainsFinds(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	pieces := append(append([]string{" ", "x", "薪", "salar", "fe", "."}, salaryCues...), notPayCues...)
	for _, cues := range [][]string{salaryCues, notPayCues} {
		set := newCueSet(cues)
		for range 5000 {
			var b []byte
			for k := r.IntN(6); k > 0; k-- {
				b = append(b, pieces[r.IntN(len(pieces))]...)
			}
			if len(b) > 3 && r.IntN(2) == 0 {
				b = b[r.IntN(len(b)/2):] // cut anywhere, even inside a rune
			}
			want := false
			for _, w := range cues {
				want = want || strings.Contains(string(b), w)
			}
			if got := set.in(b); got != want {
				t.Fatalf("%q: in %v, want %v", b, got, want)
			}
		}
	}
}

// TestNearestChannelAgreesWithItsDefinition checks the search from the
// end against its definition: the word whose last place as a whole word
// is nearest, the longer at a tie, then the one of the lower kind.
func TestNearestChannelAgreesWithItsDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	var pieces []string
	for _, ws := range channelWords {
		pieces = append(pieces, ws...)
	}
	pieces = append(pieces, " ", "x", ":", "telepo", "@", "0812")
	for range 20000 {
		var b []byte
		for k := r.IntN(8); k > 0; k-- {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		at := len(b)
		b = append(b, "@hr_team"...)
		window := string(b[max(0, at-40):at])
		want, wantPos, wantLen := chPhone, -1, 0
		for kind := range nChannels {
			if kind == chEmail || kind == chURL || kind == chInPerson {
				continue
			}
			for _, w := range channelWords[kind] {
				if w == "" || w[len(w)-1] == '*' {
					continue
				}
				if p := lastWholeWord(b, max(0, at-40), at, w); p > wantPos || p == wantPos && p >= 0 && len(w) > wantLen {
					want, wantPos, wantLen = kind, p, len(w)
				}
			}
		}
		if got := nearestChannel(b, at, chPhone); got != want {
			t.Fatalf("%q: channel %s, want %s", window, channelNames[got], channelNames[want])
		}
	}
}

// lastWholeWord is where w last lies whole in b[from:to], relative to
// from, or -1: in Latin letters not joined to a letter or digit before
// it, nor to a letter after it.
func lastWholeWord(b []byte, from, to int, w string) int {
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	for p := to - len(w); p >= from; p-- {
		if string(b[p:p+len(w)]) != w {
			continue
		}
		if alnum(w[0]) && p > 0 && alnum(b[p-1]) {
			continue
		}
		if e := p + len(w); w[len(w)-1] >= 'a' && w[len(w)-1] <= 'z' && e < len(b) && b[e] >= 'a' && b[e] <= 'z' {
			continue
		}
		return p - from
	}
	return -1
}

// TestWrittenNumbersAfterAChannel: a phone number written in numeral
// words after a channel's name is a contact and a trick undone; numeral
// words elsewhere, or too few of them, are ordinary words.
func TestWrittenNumbersAfterAChannel(t *testing.T) {
	c, _ := newFixture(t, nil)
	st := newAdState(c.cur.Load().p)
	tests := []struct {
		body, want string
		obfuscated bool
	}{
		{"加微信：幺三八 零零一三 八零零零", "phone=13800138000 ", true},
		{"ໂທ: ສູນສອງສູນ ຫ້າຫ້າ ເກົ້າແປດ ເຈັດເຈັດຫົກ", "phone=0205598776 ", true},
		{"WhatsApp +855 ប្រាំបួន ប្រាំមួយ បី បួន ពីរ ប្រាំពីរ សូន្យ មួយ", "whatsapp=+85596342701 ", true},
		{"Zalo không chín tám bảy sáu năm bốn ba hai một", "phone=0987654321 ", true},
		{"电话 13800138000", "phone=13800138000 ", false},
		{"Telegram ប្រាំបួន ប្រាំបួន ប្រាំមួយ", "", false},
		{"一二三四五六七八九十个人", "", false},
		{"Zalo ba năm kinh nghiệm", "", false},
		{"โทร ศูนย์ แปด เก้า, สี่ สี่ หนึ่ง, เจ็ด สอง ศูนย์ ห้า", "phone=0894417205 ", true},
		{"ဖုန်း သုည ကိုး ခုနစ် လေး လေး တစ် နှစ် သုံး ငါး", "phone=097441235 ", true},
		{"Gọi: không chín tám, bảy bảy hai, một ba năm sáu", "phone=0987721356 ", true},
		{"Zalo bay bay bay banh", "", false},
	}
	for _, tc := range tests {
		st.reset()
		st.src = [nFields]string{"", tc.body, "", "", ""}
		st.scan()
		extractContacts(st)
		if got := fmtContacts(st.verdictContacts()); got != tc.want {
			t.Errorf("%q: contacts %q, want %q", tc.body, got, tc.want)
		}
		if (st.obfuscation > 0) != tc.obfuscated {
			t.Errorf("%q: obfuscation %d, want >0: %v", tc.body, st.obfuscation, tc.obfuscated)
		}
	}
}

// TestChannelWordsInContext: a chat app named as the way a wage is paid
// ("当天微信结清") is no way to apply, named as a contact it is; and in Lao,
// written without spaces, the word for the LINE app must not be a
// syllable of common words ("ອອນລາຍ" online, "ລາຍໄດ້" income,
// "ລາຍລັກອັກສອນ" in writing).
func TestChannelWordsInContext(t *testing.T) {
	c, _ := newFixture(t, nil)
	st := newAdState(c.cur.Load().p)
	for _, tc := range []struct {
		body    string
		channel int
		want    bool
	}{
		{"发传单，日结120元，当天下班微信结清", chWeChat, false},
		{"工资微信转账，每周一发", chWeChat, false},
		{"有意者加微信 hr_zhang88", chWeChat, true},
		{"请加微信详聊", chWeChat, true},
		{"ວຽກອອນລາຍ ລາຍໄດ້ດີ ມີສັນຍາເປັນລາຍລັກອັກສອນ", chLine, false},
		{"ສົນໃຈແອດໄລນ໌ຮ້ານໄດ້ເລີຍ", chLine, true},
		{"ທັກລາຍມາເລີຍ", chLine, true},
		{"有興趣加賴詢問：vn_job_0520", chLine, true}, // 賴 is LINE in Taiwan
		{"Manage my calendar, inbox and CRM", chMessenger, false},
		{"check your inbox for the offer letter", chMessenger, false},
		{"Answer the billing inbox and route carrier questions", chMessenger, false},
		{"Interested? Inbox our page for details", chMessenger, true},
		{"Tugasan: urus order Shopee, balas mesej pelanggan, packing", chMessenger, false},
		{"cần 1 bạn trực page, trả lời inbox cho shop", chMessenger, false},
		{"Interested? Inbox me for details", chMessenger, true},
		{"依賴公司的培訓", chLine, false},
		{"ວຽກພິມດີດ ກິນຢູ່ຟຣີ ທັກ ເທເລ: laojob_fast", chTelegram, true},   // "tele", Lao letters
		{"ຮັບສະໝັກພະນັກງານ ລາວເທເລຄອມ ສາຂາວຽງຈັນ", chTelegram, false},     // Lao Telecom
		{"รับสมัครพนักงานเทเลเซลล์ ประจำสำนักงานใหญ่", chTelegram, false}, // telesales
		{"สนใจเดี๋ยวส่งลิงก์กลุ่มเทเลให้สัมภาษณ์นะคะ", chTelegram, true},
		// A bare "wa" after a word in Latin letters is WhatsApp only
		// after the words that lead to a contact: otherwise it is Thai
		// or Lao "that" typed in Latin letters, Swahili "of", or
		// Western Australia.
		{"Khoy khei thuk lork, khao bok wa pen ngan khai khong online", chWhatsApp, false},
		{"tamruat teuan wa ngan ni bor mi jing", chWhatsApp, false},
		{"Thibitisha kupitia Wakala wa Huduma za Ajira", chWhatsApp, false},
		{"Truck drivers, must hold a valid WA licence", chWhatsApp, false},
		{"Minat langsung wa aja kak", chWhatsApp, true},
		{"kerja admin, hub wa 0812 9031 4477", chWhatsApp, true},
		{"Gaji 2.8jt + makan. WA pak Agus", chWhatsApp, true},
		{"Call/WA Kak Ros", chWhatsApp, true},
		{"Hubungi Bu Sari WA 0857 1234 5678", chWhatsApp, true},
		{"link WA di bio ya", chWhatsApp, true},
	} {
		st.reset()
		st.src = [nFields]string{"", tc.body, "", "", ""}
		st.scan()
		if got := st.channels&(1<<tc.channel) != 0; got != tc.want {
			t.Errorf("%q: channel %d found %v, want %v", tc.body, tc.channel, got, tc.want)
		}
	}
}
