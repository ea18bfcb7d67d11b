package sync_test

import (
	"encoding/base32"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"unspool/shared/sync"
)

const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func randomSecret(r *rand.Rand) sync.Secret {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	s, _ := sync.SecretFromBytes(b)
	return s
}

func TestCode_Shape(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		code := randomSecret(r).Code()
		groups := strings.Split(code, "-")
		if len(groups) != 11 {
			t.Fatalf("%d groups in %s, want 11", len(groups), code)
		}
		for _, g := range groups {
			if len(g) != 5 || strings.Trim(g, alphabet) != "" {
				t.Fatalf("group %q of %s is not 5 Crockford symbols", g, code)
			}
		}
	}
}

// Every single-symbol substitution and every transposition of two
// different symbols, at every position, is refused: the guarantee code.go
// claims, checked exhaustively on several random secrets.
func TestCode_CatchesEveryTypoAndSwap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 5 {
		s := randomSecret(r)
		v := []byte(strings.ReplaceAll(s.Code(), "-", ""))
		for i := range v {
			for _, c := range []byte(alphabet) {
				if c == v[i] {
					continue
				}
				w := append([]byte(nil), v...)
				w[i] = c
				if _, err := sync.ParseSecret(string(w)); err == nil {
					t.Fatalf("substituting %c at %d went unnoticed", c, i)
				}
			}
			for j := i + 1; j < len(v); j++ {
				if v[i] == v[j] {
					continue
				}
				w := append([]byte(nil), v...)
				w[i], w[j] = w[j], w[i]
				if _, err := sync.ParseSecret(string(w)); err == nil {
					t.Fatalf("swapping positions %d and %d went unnoticed", i, j)
				}
			}
		}
	}
}

func TestCode_ForgivesConfusableLetters(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 100 {
		s := randomSecret(r)
		code := s.Code()
		// Type every 1 as I or L and every 0 as O, in lower case.
		typed := strings.NewReplacer("1", "l", "0", "o").Replace(strings.ToLower(code))
		typed = strings.Replace(typed, "l", "I", 1)
		got, err := sync.ParseSecret(typed)
		if err != nil || got.Text() != s.Text() {
			t.Fatalf("%q (for %q) was not read back: %v", typed, code, err)
		}
	}
}

func TestCode_Errors(t *testing.T) {
	s := randomSecret(rand.New(rand.NewPCG(7, 8)))
	code := s.Code()
	for _, c := range []struct{ in, want string }{
		{code[:len(code)-1], "has 54 characters, expected 55"},
		{code + "0", "has 56 characters, expected 55"},
		{"", "has 0 characters"},
		{"U" + code[1:], "cannot be in a code at position 1"},
		{code[:6] + "*" + code[7:], "cannot be in a code at position 6"},
	} {
		_, err := sync.ParseSecret(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSecret(%q) = %v, want an error containing %q", c.in, err, c.want)
		}
		if err != nil && len(c.in) > 10 && strings.Contains(err.Error(), c.in[:10]) {
			t.Errorf("the error echoes the input: %v", err)
		}
	}
	// A pad-bit error: the last data symbol must hold 4 zero bits.
	v := []byte(strings.ReplaceAll(code, "-", ""))
	v[51] = alphabet[(strings.IndexByte(alphabet, v[51])&0x10)|0x01]
	if _, err := sync.ParseSecret(string(v)); !errors.Is(err, sync.ErrCodeTypo) {
		t.Errorf("non-zero pad bits: %v, want ErrCodeTypo", err)
	}
}

func TestCode_CheckPrimeIsPrime(t *testing.T) {
	// The guarantee rests on 32749 being prime and larger than 52·31.
	const p = 32749
	for d := 2; d*d <= p; d++ {
		if p%d == 0 {
			t.Fatalf("%d divides %d", d, p)
		}
	}
	if 52*31 >= p || p >= 1<<15 {
		t.Fatal("the prime must exceed 52·31 and fit 15 bits")
	}
}

// The data part is plain Crockford base32 of the secret, which the standard
// library's base32 (with Crockford's alphabet) computes independently.
func TestCode_DataIsCrockfordBase32(t *testing.T) {
	enc := base32.NewEncoding(alphabet).WithPadding(base32.NoPadding)
	r := rand.New(rand.NewPCG(9, 10))
	for range 100 {
		s := randomSecret(r)
		raw, _ := base64.RawURLEncoding.DecodeString(s.Text())
		data := strings.ReplaceAll(s.Code(), "-", "")[:52]
		if want := enc.EncodeToString(raw); data != want {
			t.Fatalf("data symbols %s, base32 says %s", data, want)
		}
	}
}
