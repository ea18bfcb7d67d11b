package sync

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	gosync "sync"

	"golang.org/x/crypto/chacha20poly1305"

	"unspool/shared/protocol"
)

// A sealed blob (protocol.Record.Blob, standard base64) is
//
//	version (1 byte, 0x01) | nonce (24 bytes, random) | XChaCha20-Poly1305 ciphertext
//
// and the plaintext inside is
//
//	encoding (1 byte: 0 = JSON, 1 = DEFLATE-compressed JSON) | SavedThread JSON | padding
//
// the padding (spaces after JSON, zeros after DEFLATE) bringing it to a
// Padmé length (see pad).
//
// The associated data binds the blob to its place: the version, the library
// id and the record id. A server that moves a blob to another record or
// library, or alters one byte, makes Open fail. The encoding byte sits
// inside the ciphertext so the server cannot tell which records compress.
// Random 24-byte nonces are safe at any number of records (XChaCha's nonce
// space makes collisions negligible), which is why X- and not plain ChaCha.
const (
	sealVersion   byte = 1
	encodingJSON  byte = 0
	encodingFlate byte = 1
	adLabel            = "unspool record"
	// maxPlaintext bounds what a blob may inflate to, so a blob that
	// authenticates yet was crafted to expand (only a key holder could make
	// one) cannot exhaust memory.
	maxPlaintext = 64 << 20
	// compressAbove: below this JSON size DEFLATE rarely pays for itself
	// (measured: a tombstone is ~150 bytes and grows by compressing).
	compressAbove = 256
)

// pad lengthens body to its Padmé size (Nikitin et al., "Reducing Metadata
// Leakage from Encrypted Files and Communication with PURBs", 2019): a
// length with E = ⌊log2 L⌋ keeps only its top ⌊log2 E⌋+1 bits, so the
// server learns about log log L bits of a record's size instead of its exact
// size (which could tell a known thread apart), for at most 12 % more bytes.
// Padding is invisible to Open: JSON may end in spaces, and a DEFLATE stream
// ends by itself, so the reader never reads the zeros after it.
func pad(body []byte) []byte {
	n := padme(len(body))
	fill := byte(0)
	if body[0] == encodingJSON {
		fill = ' '
	}
	for len(body) < n {
		body = append(body, fill)
	}
	return body
}

func padme(l int) int {
	if l < 2 {
		return l
	}
	e := bits.Len(uint(l)) - 1 // ⌊log2 L⌋
	s := bits.Len(uint(e))     // ⌊log2 E⌋ + 1
	mask := 1<<max(e-s, 0) - 1
	return (l + mask) &^ mask
}

// ErrOpen is wrapped by every failure to open a blob; the message after it
// says which check failed.
var ErrOpen = errors.New("sync: record cannot be opened")

// flateWriters reuses compressors: a new flate.Writer allocates and clears
// about 1 MB of tables, which measured as a quarter of Seal's time.
var flateWriters = gosync.Pool{New: func() any {
	// BestSpeed: on a 100-post thread, level 6 saves only two points of
	// size for twice the time (BenchmarkDeflate100Posts).
	zw, _ := flate.NewWriter(nil, flate.BestSpeed)
	return zw
}}

func (k Keys) ad(recordID string) []byte {
	return []byte(adLabel + "\x00" + string(sealVersion) + k.LibraryID + "\x00" + recordID)
}

// Seal encrypts s for this library. It returns the record id (the HMAC of
// s.ID) and the blob. s must be valid (see Validate).
func (k Keys) Seal(s SavedThread) (id, blob string, err error) {
	if err := s.Validate(); err != nil {
		return "", "", err
	}
	plain, err := json.Marshal(s)
	if err != nil {
		return "", "", fmt.Errorf("sync: encoding record %s: %w", s.ID, err)
	}
	body := append([]byte{encodingJSON}, plain...)
	if len(plain) > compressAbove {
		var buf bytes.Buffer
		buf.WriteByte(encodingFlate)
		zw := flateWriters.Get().(*flate.Writer)
		zw.Reset(&buf)
		zw.Write(plain)
		zw.Close()
		flateWriters.Put(zw)
		if buf.Len() < len(body) {
			body = buf.Bytes()
		}
	}
	body = pad(body)
	aead, _ := chacha20poly1305.NewX(k.enc[:])
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(body)+aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return "", "", err
	}
	id = k.RecordID(s.ID)
	out = aead.Seal(out, out[1:], body, k.ad(id))
	blob = base64.StdEncoding.EncodeToString(out)
	if len(blob) > protocol.MaxRecordBlobBytes {
		return "", "", fmt.Errorf("sync: record %s is %d bytes sealed, over the %d-byte limit", s.ID, len(blob), protocol.MaxRecordBlobBytes)
	}
	return id, blob, nil
}

// Open decrypts the blob of record id. It fails with an error wrapping
// ErrOpen if the blob was altered, was sealed for another record or
// library, or holds a record that is not valid or not the one its id names.
func (k Keys) Open(id, blob string) (SavedThread, error) {
	fail := func(why string) (SavedThread, error) {
		return SavedThread{}, fmt.Errorf("%w: %s", ErrOpen, why)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(blob)
	if err != nil {
		return fail("the blob is not base64")
	}
	aead, _ := chacha20poly1305.NewX(k.enc[:])
	if len(raw) < 1+aead.NonceSize()+aead.Overhead() {
		return fail("the blob is too short")
	}
	if raw[0] != sealVersion {
		return fail(fmt.Sprintf("the blob has format version %d, this version reads %d", raw[0], sealVersion))
	}
	nonce, ct := raw[1:1+aead.NonceSize()], raw[1+aead.NonceSize():]
	body, err := aead.Open(nil, nonce, ct, k.ad(id))
	if err != nil {
		return fail("it was altered, or it belongs to another record or library")
	}
	if len(body) == 0 {
		return fail("it is empty")
	}
	plain := body[1:]
	switch body[0] {
	case encodingJSON:
	case encodingFlate:
		zr := flate.NewReader(bytes.NewReader(plain))
		plain, err = io.ReadAll(io.LimitReader(zr, maxPlaintext+1))
		if err != nil || len(plain) > maxPlaintext {
			return fail("its compressed content is damaged or too large")
		}
	default:
		return fail(fmt.Sprintf("unknown content encoding %d", body[0]))
	}
	var s SavedThread
	if err := json.Unmarshal(plain, &s); err != nil {
		return fail("its content is not a saved thread: " + err.Error())
	}
	if err := s.Validate(); err != nil {
		return fail(err.Error())
	}
	if k.RecordID(s.ID) != id {
		return fail("it holds another thread than its id names")
	}
	// Normalise (sorted post clocks, fresh slices) so a record read from
	// the server compares equal to the same state made locally.
	return Merge(SavedThread{}, s), nil
}
