package sync_test

import (
	"context"
	"fmt"
	"time"

	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// Joining a library: the code a person types gives the same keys as the
// secret the first device stored.
func ExampleParseSecret() {
	s, err := sync.ParseSecret("000g4 0r40m 30e20 9185g r38e1 w8124 gk2ga hc5rr 34d1p 70x3r fgf34")
	if err != nil {
		fmt.Println(err)
		return
	}
	k := sync.DeriveKeys(s)
	fmt.Println(k.LibraryID)
	fmt.Println(k.RecordID("x:1234"))
	_, err = sync.ParseSecret("000G4-0R40M-30E20-9185G-R38E1-W8124-GK2GA-HC5RR-34D1P-70X3R-FGF35")
	fmt.Println(err)
	// Output:
	// FLn5XqrT6ORdC3hQrJg8-AeCx8iIMAF-H-sssP7heYw
	// 6J2z6g3-owEhY5fypeb9zAt-cSN2KzVyltYFkui-3Yc
	// sync code does not check out: a character is mistyped
}

// A delete on one device and a later re-save on another: the re-save wins,
// with only the posts saved after the delete.
func ExampleMerge() {
	at := func(sec int64, dev string) sync.HLC { return sync.HLC{Wall: 1_800_000_000_000 + sec*1000, Device: dev} }
	var a sync.SavedThread
	a.Save(synctest.Thread("7", []int{1, 2}, 0), time.Time{}, at(1, "A"))
	b := a
	a.Delete(at(2, "A"))
	b.Save(synctest.Thread("7", []int{2, 3}, 1), time.Time{}, at(3, "B"))
	m := sync.Merge(a, b)
	fmt.Println(m.Deleted, len(m.Thread.Posts))
	// Output: false 2
}

// Two devices through a server (here the in-memory reference one; with a
// real server, synchttp.New("http://127.0.0.1:8787", nil)).
func ExampleClient() {
	ctx := context.Background()
	server := synctest.NewServer()
	secret, _ := sync.NewSecret()
	laptop, _ := sync.NewClient(sync.Options{Transport: server, Secret: secret, Device: "laptop"})
	phone, _ := sync.NewClient(sync.Options{Transport: server, Secret: secret, Device: "phone"})
	laptop.Connect(ctx)

	laptop.Save(synctest.Thread("1", []int{1, 2, 3}, 0))
	laptop.SetTags("x:1", []string{"read later"})
	rep, _ := laptop.Sync(ctx)
	fmt.Printf("laptop pushed %d, pending %d\n", rep.Pushed, rep.Pending)

	rep, _ = phone.Sync(ctx)
	saved, _ := phone.Get("x:1")
	fmt.Printf("phone pulled %d: %d posts, tags %v\n", rep.Pulled, len(saved.Thread.Posts), saved.Tags)
	// Output:
	// laptop pushed 1, pending 0
	// phone pulled 1: 3 posts, tags [read later]
}
