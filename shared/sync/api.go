package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"time"

	"unspool/shared/thread"
)

// The JSON API: the functions wasm/sync.go exposes to the extension as
// globalThis.unspool.sync*, string in and string out, kept here so they are
// tested natively. Every SavedThread they return is canonical JSON (same
// state ⇔ same string), so the extension can compare states with ===, e.g.
// to see that a merge changed nothing. The raw encryption key never leaves
// Go: the extension holds the secret and passes it in.

// KeysJSON is the answer of APINewSecret and APIKeys.
type KeysJSON struct {
	Secret    string `json:"secret"`    // base64url, what the extension stores
	Code      string `json:"code"`      // what a person types on another device
	LibraryID string `json:"libraryId"` // sent to the server
	AuthKey   string `json:"authKey"`   // sent to the server (Bearer)
}

// SealedJSON is the answer of APISeal: a protocol.Change without BaseSeq.
type SealedJSON struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
	Blob    string `json:"blob"`
}

// EditJSON is one local edit for APIEdit. At is the edit's HLC (from
// APIClockNext). Op is "save" (Thread, SavedAt), "delete", "tags" (Tags),
// "note" (Note), "readPosition" (ReadPosition, null to clear) or
// "keepCurrent" (KeepCurrent, null for the default).
type EditJSON struct {
	Op           string         `json:"op"`
	At           HLC            `json:"at"`
	Thread       *thread.Thread `json:"thread,omitempty"`
	SavedAt      time.Time      `json:"savedAt,omitzero"`
	Tags         []string       `json:"tags,omitempty"`
	Note         string         `json:"note,omitempty"`
	ReadPosition *ReadPosition  `json:"readPosition,omitempty"`
	KeepCurrent  *bool          `json:"keepCurrent,omitempty"`
}

// keysFor derives the keys of a secret once and remembers the last one: a
// pull opens every record with the same secret, and deriving costs four
// HKDFs per call (the secret is in the caller's memory anyway).
func keysFor(secret string) (Keys, error) {
	lastKeys.mu.Lock()
	defer lastKeys.mu.Unlock()
	if lastKeys.text == secret && secret != "" {
		return lastKeys.keys, nil
	}
	s, err := ParseSecret(secret)
	if err != nil {
		return Keys{}, err
	}
	lastKeys.text, lastKeys.keys = secret, DeriveKeys(s)
	return lastKeys.keys, nil
}

var lastKeys struct {
	mu   gosync.Mutex
	text string
	keys Keys
}

func keysJSON(s Secret) (string, error) {
	k := DeriveKeys(s)
	return marshal(KeysJSON{Secret: s.Text(), Code: s.Code(), LibraryID: k.LibraryID, AuthKey: k.AuthKey})
}

func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// APINewSecret creates a library secret: KeysJSON.
func APINewSecret() (string, error) {
	s, err := NewSecret()
	if err != nil {
		return "", err
	}
	return keysJSON(s)
}

// APIKeys reads a sync code or a stored secret: KeysJSON.
func APIKeys(codeOrSecret string) (string, error) {
	s, err := ParseSecret(codeOrSecret)
	if err != nil {
		return "", err
	}
	return keysJSON(s)
}

// APIRecordID is the record id of a canonical thread id ("x:1234").
func APIRecordID(secret, canonicalID string) (string, error) {
	k, err := keysFor(secret)
	if err != nil {
		return "", err
	}
	return k.RecordID(canonicalID), nil
}

// APISeal seals a SavedThread: SealedJSON.
func APISeal(secret, savedJSON string) (string, error) {
	k, err := keysFor(secret)
	if err != nil {
		return "", err
	}
	st, err := parseSaved(savedJSON, false)
	if err != nil {
		return "", err
	}
	id, blob, err := k.Seal(st)
	if err != nil {
		return "", err
	}
	return marshal(SealedJSON{ID: id, Deleted: st.Deleted, Blob: blob})
}

// APIOpen opens a record ({id, blob, …}, as pulled or as a conflict's
// current): the SavedThread.
func APIOpen(secret, recordJSON string) (string, error) {
	k, err := keysFor(secret)
	if err != nil {
		return "", err
	}
	var rec struct {
		ID   string `json:"id"`
		Blob string `json:"blob"`
	}
	if err := json.Unmarshal([]byte(recordJSON), &rec); err != nil {
		return "", errors.New("sync: the record is not JSON {id, blob}")
	}
	st, err := k.Open(rec.ID, rec.Blob)
	if err != nil {
		return "", err
	}
	return marshal(st)
}

// APIMerge merges two SavedThreads (either may be "" or "null": nothing).
func APIMerge(aJSON, bJSON string) (string, error) {
	a, err := parseSaved(aJSON, true)
	if err != nil {
		return "", err
	}
	b, err := parseSaved(bJSON, true)
	if err != nil {
		return "", err
	}
	if a.ID != "" && b.ID != "" && a.ID != b.ID {
		return "", fmt.Errorf("sync: cannot merge %s with %s", a.ID, b.ID)
	}
	return marshal(Merge(a, b))
}

// APIEdit applies one EditJSON to a SavedThread ("" or "null" for a thread
// not in the library yet; only "save" may start from nothing).
func APIEdit(savedJSON, editJSON string) (string, error) {
	st, err := parseSaved(savedJSON, true)
	if err != nil {
		return "", err
	}
	var e EditJSON
	if err := json.Unmarshal([]byte(editJSON), &e); err != nil {
		return "", fmt.Errorf("sync: the edit is not valid JSON: %w", err)
	}
	if e.At.IsZero() {
		return "", errors.New("sync: the edit has no clock (at)")
	}
	if e.Op != "save" && st.ID == "" {
		return "", errors.New("sync: only a save can add a thread")
	}
	switch e.Op {
	case "save":
		if e.Thread == nil {
			return "", errors.New("sync: a save needs a thread")
		}
		if err := e.Thread.Validate(); err != nil {
			return "", err
		}
		if err := st.Save(*e.Thread, e.SavedAt, e.At); err != nil {
			return "", err
		}
	case "delete":
		st.Delete(e.At)
	case "tags":
		st.SetTags(e.Tags, e.At)
	case "note":
		st.SetNote(e.Note, e.At)
	case "readPosition":
		st.SetReadPosition(e.ReadPosition, e.At)
	case "keepCurrent":
		st.SetKeepCurrent(e.KeepCurrent, e.At)
	default:
		return "", fmt.Errorf("sync: unknown edit %q (save, delete, tags, note, readPosition, keepCurrent)", e.Op)
	}
	return marshal(st)
}

// APIClockNext is the next HLC text of device after last (the greatest HLC
// the device has made or seen, "" at first) at wall time nowMS.
func APIClockNext(last, device string, nowMS int64) (string, error) {
	h, err := ParseHLC(last)
	if err != nil {
		return "", err
	}
	if err := ValidDevice(device); err != nil {
		return "", err
	}
	return NextHLC(h, device, nowMS).String(), nil
}

// APIMaxClock is the greatest HLC in a SavedThread, to fold into the
// device's last-seen clock after receiving it.
func APIMaxClock(savedJSON string) (string, error) {
	st, err := parseSaved(savedJSON, false)
	if err != nil {
		return "", err
	}
	return st.MaxClock().String(), nil
}

// parseSaved reads and validates a SavedThread; empty allows "" and "null".
func parseSaved(s string, empty bool) (SavedThread, error) {
	if empty && (strings.TrimSpace(s) == "" || strings.TrimSpace(s) == "null") {
		return SavedThread{}, nil
	}
	var st SavedThread
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return SavedThread{}, fmt.Errorf("sync: the saved thread is not valid JSON: %w", err)
	}
	if err := st.Validate(); err != nil {
		return SavedThread{}, err
	}
	return Merge(SavedThread{}, st), nil
}
