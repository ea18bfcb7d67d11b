package sync

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// FuzzOpen feeds Open blobs that authenticate (sealed here with the real
// key) around arbitrary content, and arbitrary raw blobs, so the code after
// decryption — decompression, JSON, validation — is fuzzed too, not only
// the AEAD check that random bytes never pass.
func FuzzOpen(f *testing.F) {
	sec, _ := SecretFromBytes(make([]byte, 32))
	k := DeriveKeys(sec)
	id := k.RecordID("x:1")
	f.Add([]byte(`{"id":"x:1","tags":[],"clocks":{"deleted":"000000000001.0000.A"},"deleted":true}`), false, false)
	f.Add([]byte(`{"id":"x:1","thread":{"platform":"x","id":"1","posts":[{"id":"2"}]},"clocks":{"thread":"000000000001.0000.A"}}`), true, false)
	f.Add([]byte(`not json`), false, true)
	f.Fuzz(func(t *testing.T, content []byte, compress, raw bool) {
		var blob string
		if raw {
			blob = base64.StdEncoding.EncodeToString(content)
		} else {
			body := append([]byte{encodingJSON}, content...)
			if compress {
				var buf bytes.Buffer
				buf.WriteByte(encodingFlate)
				zw, _ := flate.NewWriter(&buf, flate.BestSpeed)
				zw.Write(content)
				zw.Close()
				body = buf.Bytes()
			}
			aead, _ := chacha20poly1305.NewX(k.enc[:])
			out := make([]byte, 1+aead.NonceSize())
			out[0] = sealVersion
			rand.Read(out[1:])
			blob = base64.StdEncoding.EncodeToString(aead.Seal(out, out[1:], body, k.ad(id)))
		}
		s, err := k.Open(id, blob)
		if err != nil {
			if !errors.Is(err, ErrOpen) {
				t.Fatalf("error does not wrap ErrOpen: %v", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Open returned an invalid record: %v", err)
		}
		id2, blob2, err := k.Seal(s)
		if err != nil {
			t.Fatalf("an opened record cannot be sealed again: %v", err)
		}
		s2, err := k.Open(id2, blob2)
		if err != nil || id2 != id {
			t.Fatalf("re-sealed record does not open: %v", err)
		}
		if a, b := mustJSON(t, s), mustJSON(t, s2); a != b {
			t.Fatalf("seal/open is not stable:\n%s\n%s", a, b)
		}
	})
}

func TestPadme(t *testing.T) {
	prev := 0
	for l := 1; l < 1<<20; l++ {
		p := padme(l)
		if p < l || p > l+l*12/100+1 || p < prev {
			t.Fatalf("padme(%d) = %d", l, p)
		}
		prev = p
	}
	// Few distinct sizes: from 2^16 to 2^17 (E = 16) Padmé keeps the top
	// ⌊log2 16⌋+1 = 5 bits, so 32 sizes, plus 2^17 itself: 5 bits leak,
	// not 16.
	sizes := map[int]bool{}
	for l := 1 << 16; l < 1<<17; l++ {
		sizes[padme(l)] = true
	}
	if len(sizes) > 33 {
		t.Fatalf("%d distinct padded sizes between 64 and 128 KiB", len(sizes))
	}
}
