package library_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"unspool/server/library"
	"unspool/shared/protocol"
)

func TestValidID(t *testing.T) {
	good := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{good, true},
		{strings.Repeat("A", 42) + "E", true},  // last character carries 2 bits: E = 000100, low 2 bits zero
		{strings.Repeat("A", 42) + "B", false}, // non-zero padding bits: another encoding of the same bytes
		{good[:42], false},
		{good + "A", false},
		{strings.Repeat("A", 42) + "=", false},
		{strings.Repeat("+", 43), false}, // standard, not URL, alphabet
		{"", false},
	} {
		if got := library.ValidID(tc.id); got != tc.ok {
			t.Errorf("ValidID(%q) = %v", tc.id, got)
		}
	}
}

func TestValidateChange(t *testing.T) {
	id := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	blob := func(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }
	for _, tc := range []struct {
		name string
		c    protocol.Change
		code string
		size int
	}{
		{"ok", protocol.Change{ID: id, Blob: blob(10)}, "", 10},
		{"at the limit", protocol.Change{ID: id, Blob: blob(protocol.MaxRecordBlobBytes)}, "", protocol.MaxRecordBlobBytes},
		{"one byte over", protocol.Change{ID: id, Blob: blob(protocol.MaxRecordBlobBytes + 1)}, library.ETOOLARGE, 0},
		{"far over, not decoded", protocol.Change{ID: id, Blob: strings.Repeat("A", 4*protocol.MaxRecordBlobBytes)}, library.ETOOLARGE, 0},
		{"unpadded base64", protocol.Change{ID: id, Blob: "aGVsbG8"}, library.EINVALID, 0},
		{"no blob", protocol.Change{ID: id}, library.EINVALID, 0},
		{"negative base", protocol.Change{ID: id, BaseSeq: -1, Blob: blob(1)}, library.EINVALID, 0},
		{"bad id", protocol.Change{ID: "x", Blob: blob(1)}, library.EINVALID, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := library.ValidateChange(tc.c)
			if tc.code == "" {
				if err != nil || n != tc.size {
					t.Fatalf("size %d, err %v", n, err)
				}
				return
			}
			if library.ErrorCode(err) != tc.code {
				t.Fatalf("err %v, want %s", err, tc.code)
			}
		})
	}
}

func TestErrorCodeHidesInternalErrors(t *testing.T) {
	err := library.Errorf(library.ENOTFOUND, "no such library")
	if library.ErrorCode(err) != library.ENOTFOUND || library.ErrorMessage(err) != "no such library" {
		t.Fatal(err)
	}
	other := errors.New("sql: database is locked") // from a driver: not for clients
	if library.ErrorCode(other) != library.EINTERNAL || library.ErrorMessage(other) != "internal error" {
		t.Fatalf("%s %q", library.ErrorCode(other), library.ErrorMessage(other))
	}
}
