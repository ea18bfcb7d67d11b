package synctest

import (
	"fmt"
	"strings"
	"time"

	"unspool/shared/thread"
)

// Thread builds a valid X thread "x:<id>" holding the posts numbered in
// postNums (post n has id "<id>0<n>", created n minutes after the first),
// with text that depends on rev, so two captures of the same thread can
// differ in content as real re-captures do.
func Thread(id string, postNums []int, rev int) thread.Thread {
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t := thread.Thread{
		Platform: thread.X,
		ID:       id,
		URL:      "https://x.com/author/status/" + id,
		Author:   thread.Author{Handle: "author", Name: "An Author", URL: "https://x.com/author"},
		Complete: true,
		// Fixed, not time.Now: tests compare states byte for byte.
		CapturedAt: base.Add(time.Duration(rev) * time.Hour),
		Source:     "x-graphql",
	}
	for _, n := range postNums {
		pid := fmt.Sprintf("%s0%d", id, n)
		t.Posts = append(t.Posts, thread.Post{
			ID:        pid,
			URL:       "https://x.com/author/status/" + pid,
			CreatedAt: base.Add(time.Duration(n) * time.Minute),
			Text:      fmt.Sprintf("Post %d of the thread (capture %d). ", n, rev) + strings.Repeat("Some words that repeat, as prose does. ", 6),
			Media:     []thread.Media{},
		})
	}
	return t
}

// Nums returns 1..n, the post numbers of a complete n-post thread.
func Nums(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}
