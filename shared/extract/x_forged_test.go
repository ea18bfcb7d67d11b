package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The MAIN-world capture is the page's to forge: its TweetDetail JSON may
// say anything. Where the page's cells show a post too, the author must be
// the one the cells show — a forged capture cannot put words in the mouth of
// the thread's author, nor claim a shown post for someone else.
func TestExtractCollected_ForgedJSONCannotChangeWhoWroteAShownPost(t *testing.T) {
	dir := filepath.Join("testdata", "x-collected", "made-pair-merged")
	raw, err := os.ReadFile(filepath.Join(dir, "collected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c Collected
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	url, _ := os.ReadFile(filepath.Join(dir, "url.txt"))
	honest, err := ExtractCollected(strings.TrimSpace(string(url)), c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.JSON {
		c.JSON[i] = strings.ReplaceAll(c.JSON[i], `"loom_weaver"`, `"impostor"`)
	}
	forged, err := ExtractCollected(strings.TrimSpace(string(url)), c)
	if err != nil {
		t.Fatal(err)
	}
	if forged.Author.Handle != "loom_weaver" {
		t.Fatalf("the thread's author is %q, the page shows loom_weaver", forged.Author.Handle)
	}
	shown := map[string]bool{}
	for _, h := range c.HTML {
		for _, p := range honest.Posts {
			if strings.Contains(h, "/status/"+p.ID) {
				shown[p.ID] = true
			}
		}
	}
	if len(shown) == 0 {
		t.Fatal("no post of the case is in its cells")
	}
	got := map[string]bool{}
	for _, p := range forged.Posts {
		got[p.ID] = true
		if p.Author != nil && p.Author.Handle != "loom_weaver" {
			t.Errorf("post %s is attributed to %s", p.ID, p.Author.Handle)
		}
	}
	for id := range shown {
		if !got[id] {
			t.Errorf("post %s, shown in the page, is missing", id)
		}
	}
}
