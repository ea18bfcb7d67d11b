package http

import (
	"net/http/httptest"
	"testing"

	"unspool/server/library"
)

// Behind a proxy, the client is the entry the proxy added: the last one
// (anything before it was sent by the client and may be forged).
func TestHeaderClientIP(t *testing.T) {
	ip := HeaderClientIP("X-Forwarded-For")
	for _, c := range []struct {
		values []string
		want   string
	}{
		{nil, "192.0.2.1"},
		{[]string{"203.0.113.9"}, "203.0.113.9"},
		{[]string{"10.0.0.1, 203.0.113.9"}, "203.0.113.9"},
		{[]string{"10.0.0.1", "2001:db8::7"}, "2001:db8::7"},
		{[]string{"10.0.0.1, "}, "192.0.2.1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.1:4000"
		for _, v := range c.values {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := ip(r); got != c.want {
			t.Errorf("%q: %q, want %q", c.values, got, c.want)
		}
	}
}

func TestCheckCreateToken(t *testing.T) {
	open := &Handler{}
	if err := open.checkCreateToken(""); err != nil {
		t.Errorf("a server without a token refused: %v", err)
	}
	private := &Handler{CreateToken: "0123456789abcdef"}
	for _, sent := range []string{"", "0123456789abcde", "0123456789abcdefX", "0123456789ABCDEF"} {
		if err := private.checkCreateToken(sent); library.ErrorCode(err) != library.EFORBIDDEN {
			t.Errorf("token %q: %v, want %s", sent, err, library.EFORBIDDEN)
		}
	}
	if err := private.checkCreateToken("0123456789abcdef"); err != nil {
		t.Errorf("the right token refused: %v", err)
	}
}
