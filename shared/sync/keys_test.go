package sync_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"

	xhkdf "golang.org/x/crypto/hkdf"

	"unspool/shared/sync"
)

// vectorSecret is bytes 0x00..0x1f: easy to reproduce in another language.
func vectorSecret(t testing.TB) sync.Secret {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(i)
	}
	s, err := sync.SecretFromBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The pinned vectors: if one changes, every existing library becomes
// unreachable or unreadable. Never update them to make a test pass.
const (
	vecText      = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
	vecCode      = "000G4-0R40M-30E20-9185G-R38E1-W8124-GK2GA-HC5RR-34D1P-70X3R-FGF34"
	vecLibraryID = "FLn5XqrT6ORdC3hQrJg8-AeCx8iIMAF-H-sssP7heYw"
	vecAuthKey   = "cnl_QjX97LpiLXys5CioAXUPu6jW4xdcMRUYC31oTB0"
	vecRecordID  = "6J2z6g3-owEhY5fypeb9zAt-cSN2KzVyltYFkui-3Yc" // RecordID("x:1234")
)

func TestKeys_Vectors(t *testing.T) {
	s := vectorSecret(t)
	k := sync.DeriveKeys(s)
	for _, c := range []struct{ name, got, want string }{
		{"text", s.Text(), vecText},
		{"code", s.Code(), vecCode},
		{"library id", k.LibraryID, vecLibraryID},
		{"auth key", k.AuthKey, vecAuthKey},
		{"record id", k.RecordID("x:1234"), vecRecordID},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// An independent derivation (x/crypto's HKDF rather than the standard
// library's) of what keys.go documents: salt "unspool sync v1", one label
// per key.
func TestKeys_MatchIndependentHKDF(t *testing.T) {
	s := vectorSecret(t)
	raw, _ := base64.RawURLEncoding.DecodeString(s.Text())
	hk := func(label string) []byte {
		b := make([]byte, 32)
		if _, err := io.ReadFull(xhkdf.New(sha256.New, raw, []byte("unspool sync v1"), []byte(label)), b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	k := sync.DeriveKeys(s)
	if got := base64.RawURLEncoding.EncodeToString(hk("library id")); got != k.LibraryID {
		t.Errorf("library id = %s, independent HKDF says %s", k.LibraryID, got)
	}
	if got := base64.RawURLEncoding.EncodeToString(hk("auth key")); got != k.AuthKey {
		t.Errorf("auth key = %s, independent HKDF says %s", k.AuthKey, got)
	}
	m := hmac.New(sha256.New, hk("record id key"))
	m.Write([]byte("x:1234"))
	if got := base64.RawURLEncoding.EncodeToString(m.Sum(nil)); got != k.RecordID("x:1234") {
		t.Errorf("record id = %s, independent HMAC says %s", k.RecordID("x:1234"), got)
	}
}

func TestKeys_DistinctAndShaped(t *testing.T) {
	s, err := sync.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	k := sync.DeriveKeys(s)
	ids := []string{s.Text(), k.LibraryID, k.AuthKey, k.RecordID("x:1"), k.RecordID("x:2"), k.RecordID("bluesky:1")}
	seen := map[string]bool{}
	for _, id := range ids {
		if len(id) != 43 || strings.ContainsAny(id, "+/=") {
			t.Errorf("%q is not 43 characters of unpadded base64url", id)
		}
		if seen[id] {
			t.Errorf("two derived values are equal: %q", id)
		}
		seen[id] = true
	}
	other, _ := sync.NewSecret()
	if sync.DeriveKeys(other).LibraryID == k.LibraryID {
		t.Error("two secrets gave the same library id")
	}
}

func TestSecret_NeverPrinted(t *testing.T) {
	s := vectorSecret(t)
	k := sync.DeriveKeys(s)
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, s, s, s),
		fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k),
		fmt.Sprintf("%v", &k),
	} {
		if strings.Contains(out, s.Text()) || strings.Contains(out, k.AuthKey) || strings.Contains(out, s.Code()[:10]) {
			t.Errorf("a secret leaks through fmt: %s", out)
		}
	}
}

func TestParseSecret_BothForms(t *testing.T) {
	s, _ := sync.NewSecret()
	code := s.Code()
	for _, in := range []string{
		s.Text(),
		code,
		strings.ToLower(code),
		strings.ReplaceAll(code, "-", ""),
		strings.ReplaceAll(code, "-", " "),
		"  " + code + "\n",
	} {
		got, err := sync.ParseSecret(in)
		if err != nil {
			t.Errorf("ParseSecret(%q): %v", in, err)
			continue
		}
		if got.Text() != s.Text() {
			t.Errorf("ParseSecret(%q) gave another secret", in)
		}
	}
}
