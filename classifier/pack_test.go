package classifier

import (
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

// The shipped rule pack, as the binary reads it from the repository.
const shippedRules = "../configs/rules"

func shippedClassifier(t testing.TB) *Classifier {
	t.Helper()
	c, err := New(Config{Rules: shippedRules}, nil, nil)
	if err != nil {
		t.Fatalf("the shipped rule pack does not load: %v", err)
	}
	return c
}

// TestShippedPackExamples runs every example of every rule in
// configs/rules: each must fire where it says and stay quiet where it says.
func TestShippedPackExamples(t *testing.T) {
	c := shippedClassifier(t)
	total := 0
	for _, r := range c.cur.Load().p.rules {
		total += len(r.match) + len(r.noMatch)
		if len(r.match) == 0 {
			t.Errorf("rule %s has no examples it must match", r.id)
		}
	}
	if total < 50 {
		t.Errorf("only %d examples in the pack", total)
	}
	for _, f := range c.CheckExamples() {
		t.Error(f)
	}
}

// TestShippedPackOnFixtures classifies small hand-written ads in several
// languages: lures must be flagged and their look-alikes (ordinary jobs in
// the same towns, licensed programmes, warnings) must not.
func TestShippedPackOnFixtures(t *testing.T) {
	c := shippedClassifier(t)
	tests := []struct {
		name    string
		ad      ad.Raw
		flagged bool
	}{
		{"en compound lure", ad.Raw{Title: "URGENT: Chat support – Sihanoukville – $1,400", Body: "No experience needed, free flight + visa + dorm. Age 18-30. Send passport photo to T.e.l.e.g.r.a.m @ hr_svl. Travel on tourist visa, company converts it."}, true},
		{"id lure", ad.Raw{Title: "Loker luar negeri admin", Body: "Gaji 18 juta, tanpa pengalaman. Tiket & mess gratis. Berangkat pakai visa kunjungan, kirim foto paspor ke WA 0812 0000 1111 aja"}, true},
		{"vi lure", ad.Raw{Title: "Tuyển CSKH làm việc tại Campuchia", Body: "Lương 25 triệu, không cần kinh nghiệm, bao vé máy bay, ăn ở. Hộ chiếu do công ty giữ. Liên hệ Zalo"}, true},
		{"zh lure", ad.Raw{Title: "妙瓦底 客服 高薪", Body: "月薪2万，无需经验，包吃包住，机票报销。先发护照照片，飞机联系。落地曼谷专车接"}, true},
		{"th lure", ad.Raw{Title: "แอดมินต่างประเทศ 40,000 บาท", Body: "ไม่ต้องมีประสบการณ์ ที่พักฟรี ไปด้วยวีซ่าท่องเที่ยว บริษัทเก็บพาสปอร์ต ทักไลน์"}, true},
		{"fee scam", ad.Raw{Title: "Hotel staff abroad", Body: "Pay the processing fee of USD 200 by GCash, refunded with your first salary."}, true},
		{"phnom penh office job", ad.Raw{Title: "Accountant – Phnom Penh", Company: "Mekong Trading Co., Ltd.", Body: "Salary $600-800. NSSF, annual leave. Bachelor's degree and 3 years of experience. Send CV to hr@mekong.example or walk in to our office."}, false},
		{"manila call centre", ad.Raw{Title: "CSR – Pasig", Body: "Northwind Contact Inc. PHP 22,000 basic + night differential, HMO, 13th month. No experience needed, paid training. Walk-in interviews daily."}, false},
		{"licensed programme", ad.Raw{Title: "Care workers – Japan (SSW)", Body: "Licensed agency, DMW license no. 111-LB. Approved job order. JLPT N4. Employer pays airfare and visa. Housing provided, rent deducted per contract."}, false},
		{"warning", ad.Raw{Title: "Beware: fake jobs in Cambodia", Body: "Police warn that victims answering ads for typists at $1,500 with free flights and Telegram-only contact were forced to scam people and their passports were taken."}, false},
		{"hotel in sihanoukville", ad.Raw{Title: "Front desk – Sihanoukville hotel", Company: "Ocean Bay Hotel Co., Ltd.", Body: "USD 350/month + service charge, NSSF, 1 year experience. Apply at the hotel HR office or email."}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(&tc.ad)
			if v.Flagged != tc.flagged {
				t.Errorf("flagged %v (score %v, %s), want %v", v.Flagged, v.Score, strings.Join(hitRules(v), " "), tc.flagged)
			}
		})
	}
}
