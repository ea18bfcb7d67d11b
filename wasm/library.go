//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"strings"
	"syscall/js"
	"time"

	"unspool/shared/render"
	usync "unspool/shared/sync"
	"unspool/shared/thread"
)

// What the extension's library asks of Go rather than knowing itself: a
// thread's key, its title, and its Markdown with the library's fields.
func init() {
	// canonicalId(platform, id) → the library key "platform:id".
	register("canonicalId", func(args []js.Value) (any, error) {
		if err := stringArgs(args, 2, "canonicalId", "platform, id"); err != nil {
			return nil, err
		}
		return usync.APICanonicalID(args[0].String(), args[1].String())
	})

	// threadTitle(threadJSON, maxChars) → the one line that names the thread
	// (render.Title), at most maxChars characters.
	register("threadTitle", func(args []js.Value) (any, error) {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeNumber || args[1].Int() < 1 {
			return nil, errors.New("unspool.threadTitle(threadJSON, maxChars) takes a JSON string and a positive number")
		}
		t, err := parseThread(args[0].String())
		if err != nil {
			return nil, err
		}
		return render.Title(t, args[1].Int()), nil
	})

	// exportSaved(savedThreadJSON) → Markdown: export(thread, "markdown") for
	// a thread kept in the library, whose front matter also carries its
	// handle and id and the library's saved date, tags and note.
	register("exportSaved", func(args []js.Value) (any, error) {
		if err := stringArgs(args, 1, "exportSaved", "savedThreadJSON"); err != nil {
			return nil, err
		}
		var s usync.SavedThread
		if err := json.Unmarshal([]byte(args[0].String()), &s); err != nil {
			return nil, thread.Errorf(thread.EINVALID, "saved thread JSON: %v", err)
		}
		if s.Thread == nil {
			return nil, thread.Errorf(thread.EINVALID, "saved thread %s has no thread (deleted)", s.ID)
		}
		saved := render.Saved{Tags: s.Tags, Note: s.Note}
		if !s.SavedAt.IsZero() {
			saved.SavedAt = s.SavedAt.UTC().Format(time.RFC3339Nano)
		}
		var b strings.Builder
		if err := render.WriteSavedMarkdown(&b, s.Thread, saved); err != nil {
			return nil, err
		}
		return b.String(), nil
	})
}
