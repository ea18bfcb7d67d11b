package sync

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	"unspool/shared/thread"
)

// HKDF-SHA256 parameters. The salt names the scheme so these keys can never
// equal keys another program derives from the same bytes; each label gives
// an independent key, so knowing one (the server knows the library id and
// the auth key's hash) says nothing about the others. Changing any of these
// strings makes every existing library unreadable: they are pinned by the
// test vectors in keys_test.go.
const (
	kdfSalt           = "unspool sync v1"
	labelLibraryID    = "library id"
	labelAuthKey      = "auth key"
	labelEncryption   = "record encryption key"
	labelRecordIDHMAC = "record id key"
)

// Keys are what a device derives from the secret. LibraryID and AuthKey go
// to the server; the encryption and record-id keys never leave the device.
type Keys struct {
	LibraryID string // base64url, 43 characters
	AuthKey   string // base64url, 43 characters; the server keeps only its SHA-256
	enc       [32]byte
	rid       [32]byte
}

// DeriveKeys derives every key of a library from its secret.
func DeriveKeys(s Secret) Keys {
	var k Keys
	k.LibraryID = base64.RawURLEncoding.EncodeToString(derive(s, labelLibraryID))
	k.AuthKey = base64.RawURLEncoding.EncodeToString(derive(s, labelAuthKey))
	copy(k.enc[:], derive(s, labelEncryption))
	copy(k.rid[:], derive(s, labelRecordIDHMAC))
	return k
}

func derive(s Secret, label string) []byte {
	b, err := hkdf.Key(sha256.New, s.b[:], []byte(kdfSalt), label, 32)
	if err != nil {
		// hkdf.Key fails only for lengths beyond 255·32 bytes or in FIPS
		// mode with short keys; neither applies to 32 bytes from 32.
		panic("sync: hkdf: " + err.Error())
	}
	return b
}

// String hides the keys (only the library id, which the server knows anyway).
func (k Keys) String() string { return "sync.Keys{library " + k.LibraryID + "}" }

// GoString hides the keys from %#v.
func (k Keys) GoString() string { return k.String() }

// RecordID is the server-side id of the thread with the given canonical id
// (see CanonicalID): base64url(HMAC-SHA256(record id key, canonicalID)).
// The server cannot tell which threads a library holds, yet every device
// maps the same thread to the same record.
func (k Keys) RecordID(canonicalID string) string {
	m := hmac.New(sha256.New, k.rid[:])
	m.Write([]byte(canonicalID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CanonicalID names a thread across devices and captures: "platform:id",
// e.g. "x:1234". Thread.ID is the id of the first post, stable whichever
// post the thread was unrolled from.
func CanonicalID(t *thread.Thread) string { return string(t.Platform) + CanonicalIDSeparator + t.ID }

// CanonicalIDSeparator separates the platform from the thread id in a
// canonical id. The extension neither joins nor splits a library key: it
// asks the WASM for one (APICanonicalID) and keeps the thread's platform
// and id beside it.
const CanonicalIDSeparator = ":"

// APICanonicalID is CanonicalID for the extension (unspool.canonicalId):
// the library key of the thread with this platform and id.
func APICanonicalID(platform, id string) (string, error) {
	if platform == "" || id == "" {
		return "", thread.Errorf(thread.EINVALID, "a thread needs a platform and an id to be saved")
	}
	return CanonicalID(&thread.Thread{Platform: thread.Platform(platform), ID: id}), nil
}
