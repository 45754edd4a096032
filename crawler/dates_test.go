package crawler

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	pp, _ := time.LoadLocation("Asia/Phnom_Penh")
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, pp) // Thursday 10:00 in Phnom Penh
	midnight := func(day int) time.Time { return time.Date(2026, 11, day, 0, 0, 0, 0, pp) }
	for in, want := range map[string]time.Time{
		"2 hours ago":     now.Add(-2 * time.Hour),
		"an hour ago":     now.Add(-time.Hour),
		"5 mins ago":      now.Add(-5 * time.Minute),
		"3 days ago":      now.Add(-72 * time.Hour),
		"just now":        now,
		"yesterday":       midnight(25),
		"Yesterday 14:30": time.Date(2026, 11, 25, 14, 30, 0, 0, pp),
		"today":           midnight(26),
		"hôm qua":         midnight(25),
		"3 giờ trước":     now.Add(-3 * time.Hour),
		"2 ngày trước":    now.Add(-48 * time.Hour),
		"昨天":              midnight(25),
		"前天":              midnight(24),
		"3小时前":            now.Add(-3 * time.Hour),
		"10分钟前":           now.Add(-10 * time.Minute),
		"เมื่อวาน":        midnight(25),
		"2 ชั่วโมงที่แล้ว":                now.Add(-2 * time.Hour),
		"3 วันที่แล้ว":                    now.Add(-72 * time.Hour),
		"kemarin":                         midnight(25),
		"2 hari lalu":                     now.Add(-48 * time.Hour),
		"5 jam yang lalu":                 now.Add(-5 * time.Hour),
		"semalam":                         midnight(25),
		"kahapon":                         midnight(25),
		"3 oras na ang nakalipas":         now.Add(-3 * time.Hour),
		"ម្សិលមិញ":                        midnight(25),
		"မနေ့က":                           midnight(25),
		"ມື້ວານ":                          midnight(25),
		"2026-11-14":                      midnight(14),
		"14/11/2026":                      midnight(14),
		"Nov 14, 2026":                    midnight(14),
		"2026年11月14日":                     midnight(14),
		"2026-11-25T08:15:00+07:00":       time.Date(2026, 11, 25, 1, 15, 0, 0, time.UTC),
		"Wed, 25 Nov 2026 09:30:00 +0700": time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC),
		"1795478400":                      time.Unix(1795478400, 0),
	} {
		got, ok := parseDate(in, pp, now)
		if !ok || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "soon", "call now", "ASAP!!"} {
		if got, ok := parseDate(bad, pp, now); ok {
			t.Errorf("parseDate(%q) = %v, want failure", bad, got)
		}
	}
}
