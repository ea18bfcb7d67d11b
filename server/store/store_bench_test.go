//go:build !js

package store_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"path/filepath"
	"testing"

	"unspool/server/library"
	"unspool/server/store"
	"unspool/shared/protocol"
)

func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// BenchmarkStore_PushPull is one device's sync step against the native
// store, without HTTP: an edit of a 2.5 KB record pushed, then pulled back.
func BenchmarkStore_PushPull(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), store.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	a := library.Auth{LibraryID: newID(), Key: newID()}
	if _, err := st.CreateLibrary(ctx, a, "127.0.0.1"); err != nil {
		b.Fatal(err)
	}
	blob := make([]byte, 2500)
	rand.Read(blob)
	c := protocol.Change{ID: newID(), Blob: base64.StdEncoding.EncodeToString(blob)}
	res, err := st.Push(ctx, a, []protocol.Change{c})
	if err != nil {
		b.Fatal(err)
	}
	cursor := ""
	b.ResetTimer()
	for range b.N {
		c.BaseSeq = res[0].Seq
		if res, err = st.Push(ctx, a, []protocol.Change{c}); err != nil || res[0].Status != protocol.Applied {
			b.Fatal(err, res)
		}
		p, err := st.Pull(ctx, a, library.PullPage{Since: cursor, Limit: protocol.DefaultPullLimit})
		if err != nil || len(p.Changes) == 0 {
			b.Fatal(err)
		}
		cursor = p.Cursor
	}
}
