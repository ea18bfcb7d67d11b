package sync

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
)

// SecretSize is the length of a sync secret in bytes (256 bits).
const SecretSize = 32

// Secret is the one thing a library is: every key derives from it, and a
// device that knows it can read and write the library. Its fields are
// unexported and its String method hides it, so that a Secret printed with
// %v by mistake never reaches a log.
type Secret struct {
	b [SecretSize]byte
}

// ErrBadSecret is returned when text is neither a sync code nor a secret.
var ErrBadSecret = errors.New("sync: not a sync secret")

// NewSecret draws a fresh secret from the operating system's CSPRNG.
func NewSecret() (Secret, error) {
	var s Secret
	if _, err := rand.Read(s.b[:]); err != nil {
		return Secret{}, err
	}
	return s, nil
}

// SecretFromBytes wraps 32 bytes; it exists for tests and test vectors.
func SecretFromBytes(b []byte) (Secret, error) {
	var s Secret
	if len(b) != SecretSize {
		return Secret{}, ErrBadSecret
	}
	copy(s.b[:], b)
	return s, nil
}

// Text is the machine form of the secret (base64url, 43 characters), the
// form the extension keeps in storage. Unlike String it reveals the secret.
func (s Secret) Text() string { return base64.RawURLEncoding.EncodeToString(s.b[:]) }

// Code is the human form of the secret (see code.go), the one a person types
// to join a device.
func (s Secret) Code() string { return encodeCode(s.b) }

// String hides the secret: fmt and log call it.
func (s Secret) String() string { return "sync.Secret{hidden}" }

// GoString hides the secret from %#v too.
func (s Secret) GoString() string { return s.String() }

// IsZero reports whether s is the zero value (no secret at all).
func (s Secret) IsZero() bool { return s.b == [SecretSize]byte{} }

// ParseSecret accepts either form a person or the extension may hold: the
// 43-character base64url Text, or a sync Code (any case, any separators).
// The two cannot be confused: a code has 55 symbols, a Text exactly 43
// characters, and base64url's '-' must not be stripped as a separator.
// Errors say what is wrong without echoing the input.
func ParseSecret(text string) (Secret, error) {
	text = strings.TrimSpace(text)
	if len(text) == base64.RawURLEncoding.EncodedLen(SecretSize) {
		b, err := base64.RawURLEncoding.Strict().DecodeString(text)
		if err == nil {
			return SecretFromBytes(b)
		}
	}
	b, err := decodeCode(text)
	if err != nil {
		return Secret{}, err
	}
	return Secret{b: b}, nil
}
