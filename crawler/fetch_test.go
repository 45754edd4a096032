package crawler

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Pages in the charsets the ads come in are read as UTF-8, whether the
// charset is in the header, in a meta tag, or set on the source.
func TestCharsets(t *testing.T) {
	for _, tc := range []struct {
		name, text  string
		enc         encoding.Encoding
		contentType string
		meta        string
		override    string
	}{
		{"TIS-620 by header", "รับสมัครพนักงาน เงินเดือนดี", charmap.Windows874, "text/html; charset=TIS-620", "", ""},
		{"TIS-620 by meta", "ทำงานที่กัมพูชา", charmap.Windows874, "text/html", `<meta http-equiv="Content-Type" content="text/html; charset=tis-620">`, ""},
		{"GBK by meta", "柬埔寨西港招聘客服，月薪一万五", simplifiedchinese.GBK, "text/html", `<meta charset="gbk">`, ""},
		{"GB2312 label", "包吃包住", simplifiedchinese.GBK, "text/html; charset=gb2312", "", ""},
		{"Big5 by header", "高薪誠聘客服人員", traditionalchinese.Big5, "text/html; charset=big5", "", ""},
		{"Windows-1258 by source", "Lương cao, bao ăn", charmap.Windows1258, "text/html", "", "windows-1258"},
		{"Windows-1252 by header", "Café résumé", charmap.Windows1252, "text/html; charset=windows-1252", "", ""},
		{"Windows-1251 by meta", "Работа в Камбодже", charmap.Windows1251, "text/html", `<meta charset="windows-1251">`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			encoded, err := tc.enc.NewEncoder().String(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			page := []byte("<html><head>" + tc.meta + "</head><body><div class=\"ad\"><h1>" + encoded + "</h1></div></body></html>")
			mux := http.NewServeMux()
			mux.HandleFunc("GET /p", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.Write(page)
			})
			srv, _ := serve(t, mux)
			yml := "name: cs\nallow_private: true\nstart_urls: [\"{{base}}/p\"]\nlist: {items: div.ad}\nitem: {title: h1}\n"
			if tc.override != "" {
				yml += "charset: " + tc.override + "\n"
			}
			s := mustSource(t, srv.URL, yml)
			r := newRig(t, Config{}, "", s)
			r.once(t, s)
			ads := r.pub.got()
			if len(ads) != 1 || ads[0].Title != tc.text {
				t.Fatalf("got %v; logs:\n%s", ads, r.logs)
			}
		})
	}
}

// With no declaration at all, UTF-8 is recognised however late its first
// non-ASCII byte comes.
func TestUndeclaredUTF8(t *testing.T) {
	body := append(bytes.Repeat([]byte("<!-- padding -->\n"), 200), []byte("<h1>Lương 30 triệu</h1>")...)
	out, name, replaced := toUTF8(body, "text/html", "")
	if name != "utf-8" || replaced || !bytes.Contains(out, []byte("Lương")) {
		t.Fatalf("charset %s, replaced %v", name, replaced)
	}
}

func TestGzipBody(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("<h1>hello</h1>"))
	zw.Close()
	got, err := readBody(bytes.NewReader(buf.Bytes()), "gzip", 1<<10)
	if err != nil || string(got) != "<h1>hello</h1>" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := readBody(bytes.NewReader([]byte("not gzip")), "gzip", 1<<10); err == nil {
		t.Fatal("a broken gzip body was accepted")
	}
	if _, err := readBody(bytes.NewReader(make([]byte, 2000)), "", 1<<10); err == nil {
		t.Fatal("a body over the limit was accepted")
	}
}
