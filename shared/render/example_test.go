package render_test

import (
	"os"
	"time"

	"unspool/shared/render"
	"unspool/shared/thread"
)

func ExampleWriteMarkdown() {
	t := &thread.Thread{
		Platform: thread.X, URL: "https://x.com/ada/status/1", ID: "1", Complete: true,
		Author: thread.Author{Handle: "ada", Name: "Ada", URL: "https://x.com/ada"},
		Posts: []thread.Post{
			{ID: "1", URL: "https://x.com/ada/status/1", CreatedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC),
				Content: []thread.Run{
					{Type: thread.TextRun, Text: "Notes on *engines*:\nsee "},
					{Type: thread.LinkRun, Text: "t.co/x", URL: "https://example.com/engines"},
				}},
			{ID: "2", URL: "https://x.com/ada/status/2",
				Content: []thread.Run{{Type: thread.TextRun, Text: "1. <b>not</b> a list"}},
				Media:   []thread.Media{{Type: thread.Photo, URL: "https://example.com/e.png", Alt: "An engine"}}},
		},
	}
	if err := render.WriteMarkdown(os.Stdout, t); err != nil {
		panic(err)
	}
	// Output:
	// ---
	// title: "Ada (@ada): Notes on *engines*:"
	// author: "Ada (@ada)"
	// url: "https://x.com/ada/status/1"
	// date: "2024-03-01T09:00:00Z"
	// platform: "x"
	// posts: 2
	// ---
	//
	// By **Ada** ([@ada](https://x.com/ada)) · 1 Mar 2024 · [Read on X](https://x.com/ada/status/1)
	//
	// Notes on \*engines\*:\
	// see [example.com/engines](https://example.com/engines)
	//
	// 1\. \<b\>not\</b\> a list
	//
	// ![An engine](https://example.com/e.png)
}
