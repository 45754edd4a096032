package classifier

import (
	"math"
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
		{"", "Lương 25–30 triệu/tháng", "vi", "VND", 25e6, 30e6, "month", 975},
		{"1.000$ (trên 20 triệu)", "", "vi", "USD", 1000, 0, "month", 1000},
		{"35,000–50,000 บาท", "", "th", "THB", 35000, 50000, "month", 1015},
		{"₱60,000 monthly", "", "tl", "PHP", 60000, 0, "month", 1044},
		{"70,000 pesos/month", "", "tl", "PHP", 70000, 0, "month", 1218},
		{"RM8,000 – RM15,000 sebulan", "", "ms", "MYR", 8000, 15000, "month", 1760},
		{"底薪8000-12000 RMB + 提成", "", "zh", "CNY", 8000, 12000, "month", 1112},
		{"月薪1.2万-1.8万", "", "zh", "CNY", 12000, 18000, "month", 1668},
		{"4000-6000元/月", "", "zh", "CNY", 4000, 6000, "month", 556},
		{"8K~35K", "", "zh", "CNY", 8000, 35000, "month", 1112},
		{"", "年薪60-90万人民币", "zh", "CNY", 600000, 900000, "year", 6950},
		{"KHR 1,600,000", "", "km", "KHR", 1.6e6, 0, "month", 400},
		{"ကျပ် ၁၅ သိန်း – ၂၀ သိန်း", "", "my", "MMK", 1.5e6, 2e6, "month", 720},
		{"LAK 6,000,000–7,500,000/month", "", "lo", "LAK", 6e6, 7.5e6, "month", 276},
		{"7,000 – 9,000 ຢວນ", "", "lo", "CNY", 7000, 9000, "month", 973},
		{"$20/hr", "", "en", "USD", 20, 0, "hour", 3460},
		{"26000-32000", "", "en", "USD", 26000, 32000, "year", 2167},
		{"", "Earn $100-$200 daily", "en", "USD", 100, 200, "day", 2600},
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

func TestSalaryIgnoresFees(t *testing.T) {
	c := shippedClassifier(t)
	v := c.Classify(&ad.Raw{Body: "Pay the processing fee of USD 180 first. Salary USD 1,200 per month."})
	if s := v.Extracted.Salary; s == nil || s.Min != 1200 {
		t.Errorf("salary %+v, want the USD 1,200 pay, not the fee", s)
	}
}

func TestLanguagesAndNationalities(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		ad    ad.Raw
		langs []string
		nats  []string
	}{
		{ad.Raw{Body: "Dibutuhkan segera admin untuk perusahaan di Phnom Penh, bisa kerja cepat, hubungi kami. Khusus WNI."}, []string{"id"}, []string{"ID"}},
		{ad.Raw{Body: "Tuyển nhân viên chăm sóc khách hàng làm việc tại Campuchia, lương cao, có người đón"}, []string{"vi"}, []string{"VN"}},
		{ad.Raw{Body: "รับสมัครแอดมินตอบแชท ทำงานต่างประเทศ เงินเดือนดี ที่พักฟรี"}, []string{"th"}, []string{"TH"}},
		{ad.Raw{Body: "ក្រុមហ៊ុនត្រូវការបុគ្គលិក ប្រាក់ខែល្អ ស្នាក់នៅឥតគិតថ្លៃ"}, []string{"km"}, []string{"KH"}},
		{ad.Raw{Body: "招聘客服，月薪过万，包吃包住，机票报销，护照照片发过来"}, []string{"zh"}, []string{"CN"}},
		{ad.Raw{Body: "Hiring kami ng CSR para sa company, libre ang tirahan at pagkain, walang experience ok"}, []string{"tl"}, []string{"PH"}},
		{ad.Raw{Body: "We are hiring for our office and you will work with the team. Kababayans welcome, salary 70,000 pesos"}, []string{"en"}, []string{"PH"}},
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
