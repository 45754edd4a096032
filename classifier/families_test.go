package classifier

import (
	"strings"
	"testing"

	"github.com/lurewatch/lurewatch/pkg/ad"
)

func TestFamiliesGroupAdsSharingAPassage(t *testing.T) {
	const zhProfile = "本公司是一家大型物流企业，成立于二零零五年，拥有员工五百余人，业务覆盖全国三十个省市，在华东、华南设有八个仓储中心，" +
		"常年为多家制造企业提供运输与仓储服务，注重员工培训与职业发展。"
	profile := "Harbor Logistics has moved freight across the Gulf Coast since 1987 and employs four hundred people in six depots."
	mk := func(title, body string) LabelledAd {
		return LabelledAd{Label: LabelLegit, Ad: ad.Raw{Title: title, Body: body}}
	}
	ads := []LabelledAd{
		mk("Dispatcher", profile+" We need a dispatcher for nights."),
		mk("Forklift driver", strings.ToUpper(profile)+"\n\nForklift licence required."),
		mk("Nurse", "Competitive salary and benefits. Registered nurse for a rural clinic, day shifts."),
		mk("Cashier", "Competitive salary and benefits. Cashier for a grocery store, weekends."),
		mk("高薪招聘", "诚聘仓库管理员。"+zhProfile),
		mk("仓库管理员", "诚聘叉车司机，"+zhProfile+"待遇面议。"),
	}
	f := families(ads)
	if f[0] != f[1] {
		t.Error("two ads sharing a company profile, in other case and spacing, are not one family")
	}
	if f[4] != f[5] {
		t.Error("two Chinese ads sharing a company profile are not one family")
	}
	if f[2] == f[3] || f[0] == f[2] || f[4] == f[0] {
		t.Errorf("ads sharing only a common phrase were grouped: %v", f)
	}
}
