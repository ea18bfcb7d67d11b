package sync_test

import (
	"encoding/json"
	"strings"
	"testing"

	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// mustFor returns f(g()) that fails t on g's error: Go passes a call's
// two results on only as the sole arguments of another call.
func mustFor(t *testing.T) func(string, error) string {
	return func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestAPI_KeysFromCodeOrSecret(t *testing.T) {
	must := mustFor(t)
	var k1, k2, k3 sync.KeysJSON
	json.Unmarshal([]byte(must(sync.APINewSecret())), &k1)
	json.Unmarshal([]byte(must(sync.APIKeys(strings.ToLower(k1.Code)))), &k2)
	json.Unmarshal([]byte(must(sync.APIKeys(k1.Secret))), &k3)
	if k1 != k2 || k1 != k3 || len(k1.LibraryID) != 43 || len(k1.AuthKey) != 43 {
		t.Fatalf("%+v\n%+v\n%+v", k1, k2, k3)
	}
	if _, err := sync.APIKeys("not a code"); err == nil {
		t.Fatal("a bad code was accepted")
	}
}

// The extension's flow: edits on two devices, seal, open, merge, with the
// canonical strings compared by ===.
func TestAPI_EditSealOpenMerge(t *testing.T) {
	must := mustFor(t)
	var k sync.KeysJSON
	json.Unmarshal([]byte(must(sync.APINewSecret())), &k)
	th, _ := json.Marshal(synctest.Thread("42", []int{1, 2}, 0))

	clockA := must(sync.APIClockNext("", "devA", 1_800_000_000_000))
	a := must(sync.APIEdit("", `{"op":"save","at":"`+clockA+`","thread":`+string(th)+`,"savedAt":"2026-11-26T12:00:00Z"}`))
	clockA = must(sync.APIClockNext(clockA, "devA", 1_800_000_000_000)) // same ms: counter
	a = must(sync.APIEdit(a, `{"op":"tags","at":"`+clockA+`","tags":["b","a"]}`))

	sealedJSON := must(sync.APISeal(k.Secret, a))
	var sealed sync.SealedJSON
	json.Unmarshal([]byte(sealedJSON), &sealed)
	if sealed.ID != must(sync.APIRecordID(k.Code, "x:42")) || sealed.Deleted {
		t.Fatalf("sealed = %s", sealedJSON)
	}
	b := must(sync.APIOpen(k.Secret, sealedJSON))
	if b != a {
		t.Fatalf("open(seal(a)) != a:\n%s\n%s", b, a)
	}
	// Device B saw a, then deletes after its own (later) clock.
	clockB := must(sync.APIClockNext(must(sync.APIMaxClock(b)), "devB", 1_700_000_000_000))
	b = must(sync.APIEdit(b, `{"op":"delete","at":"`+clockB+`"}`))
	m1 := must(sync.APIMerge(a, b))
	m2 := must(sync.APIMerge(b, a))
	if m1 != m2 || !strings.Contains(m1, `"deleted":true`) {
		t.Fatalf("merge:\n%s\n%s", m1, m2)
	}
	if must(sync.APIMerge(m1, b)) != m1 {
		t.Fatal("merging a state already included changed the string")
	}
	if got := must(sync.APIMerge("null", a)); got != a {
		t.Fatal("merge with nothing is not the identity")
	}
}

// The per-thread "keep current" switch as the extension edits it: set off
// on one device, sealed, opened on another, it is off there; null puts the
// default back.
func TestAPI_KeepCurrentEdit(t *testing.T) {
	must := mustFor(t)
	var k sync.KeysJSON
	json.Unmarshal([]byte(must(sync.APINewSecret())), &k)
	th, _ := json.Marshal(synctest.Thread("42", []int{1, 2}, 0))
	clock := must(sync.APIClockNext("", "devA", 1_800_000_000_000))
	a := must(sync.APIEdit("", `{"op":"save","at":"`+clock+`","thread":`+string(th)+`,"savedAt":"2026-11-26T12:00:00Z"}`))
	if strings.Contains(a, `"keepCurrent"`) {
		t.Fatalf("a save set the switch: %s", a)
	}
	clock = must(sync.APIClockNext(clock, "devA", 1_800_000_000_001))
	a = must(sync.APIEdit(a, `{"op":"keepCurrent","at":"`+clock+`","keepCurrent":false}`))
	b := must(sync.APIOpen(k.Secret, must(sync.APISeal(k.Secret, a))))
	var got sync.SavedThread
	json.Unmarshal([]byte(b), &got)
	if got.KeepCurrent == nil || *got.KeepCurrent || got.Clocks.KeepCurrent.String() != clock {
		t.Fatalf("opened on the other device: %s", b)
	}
	clockB := must(sync.APIClockNext(must(sync.APIMaxClock(b)), "devB", 1_800_000_000_002))
	b = must(sync.APIEdit(b, `{"op":"keepCurrent","at":"`+clockB+`"}`))
	if m := must(sync.APIMerge(a, b)); strings.Contains(m, `"keepCurrent":false`) || !strings.Contains(m, `"keepCurrent":"`+clockB) {
		t.Fatalf("the later default did not win: %s", m)
	}
}

func TestAPI_Errors(t *testing.T) {
	must := mustFor(t)
	var k sync.KeysJSON
	json.Unmarshal([]byte(must(sync.APINewSecret())), &k)
	at := must(sync.APIClockNext("", "d", 1))
	for name, err := range map[string]error{
		"edit without clock":  second(sync.APIEdit("", `{"op":"save"}`)),
		"tags on nothing":     second(sync.APIEdit("", `{"op":"tags","at":"`+at+`"}`)),
		"unknown op":          second(sync.APIEdit(`{"id":"x:1","tags":[],"clocks":{}}`, `{"op":"star","at":"`+at+`"}`)),
		"save without thread": second(sync.APIEdit("", `{"op":"save","at":"`+at+`"}`)),
		"invalid state":       second(sync.APIMerge(`{"id":"x:1","deleted":true,"clocks":{}}`, "")),
		"two ids":             second(sync.APIMerge(`{"id":"x:1","clocks":{}}`, `{"id":"x:2","clocks":{}}`)),
		"open garbage":        second(sync.APIOpen(k.Secret, `{"id":"x","blob":"AAAA"}`)),
		"open not json":       second(sync.APIOpen(k.Secret, `[`)),
		"bad device":          second(sync.APIClockNext("", "a b", 1)),
		"bad clock":           second(sync.APIClockNext("yesterday", "a", 1)),
		"bad secret":          second(sync.APISeal("short", "{}")),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func second(_ string, err error) error { return err }

// The API remembers the last secret's keys; switching secrets must not mix
// them up.
func TestAPI_SwitchingSecrets(t *testing.T) {
	must := mustFor(t)
	var a, b sync.KeysJSON
	json.Unmarshal([]byte(must(sync.APINewSecret())), &a)
	json.Unmarshal([]byte(must(sync.APINewSecret())), &b)
	ra := must(sync.APIRecordID(a.Secret, "x:1"))
	rb := must(sync.APIRecordID(b.Secret, "x:1"))
	if ra == rb || must(sync.APIRecordID(a.Code, "x:1")) != ra || must(sync.APIRecordID(a.Secret, "x:1")) != ra {
		t.Fatal("record ids mixed up between secrets")
	}
	at := must(sync.APIClockNext("", "d", 1))
	th, _ := json.Marshal(synctest.Thread("1", []int{1}, 0))
	s := must(sync.APIEdit("", `{"op":"save","at":"`+at+`","thread":`+string(th)+`}`))
	sealed := must(sync.APISeal(a.Secret, s))
	if _, err := sync.APIOpen(b.Secret, sealed); err == nil {
		t.Fatal("a record opened under another library's secret")
	}
	if must(sync.APIOpen(a.Secret, sealed)) != s {
		t.Fatal("round trip after switching secrets failed")
	}
}
