package sharepage_test

import (
	"strings"
	"testing"

	"unspool/server/library"
	"unspool/server/sharepage"
	"unspool/shared/render"
)

// A share page shows whatever Thread JSON a library sent, under any
// author's name: above the thread it says a user published it from a
// capture the platform did not verify, with the original link, and the
// page stays out of search results unless its publisher asked otherwise.
func TestPageSaysItIsAnUnverifiedCapture(t *testing.T) {
	th := load(t)
	page, err := sharepage.HTML(th, false)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	line := "Published by an Unspool user from a capture of <a href=" + th.URL
	i := strings.Index(s, line)
	if i < 0 {
		t.Fatalf("no provenance line linking the original %s in the page", th.URL)
	}
	if j := strings.Index(s, "<article"); j < i {
		t.Error("the provenance line is not above the thread")
	}
	for _, want := range []string{
		">x.com/" + th.Author.Handle + "/status/", // the link shows where it goes
		"; not verified by X.",
		`class=u-prov-orig href=` + th.URL,
		"See the original on X",
		`name=robots content="noindex, nofollow"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The platform's name comes from the renderer's table, for each platform.
	for _, p := range render.PlatformNames {
		c := *th
		c.Platform = p.Platform
		b, err := sharepage.HTML(&c, false)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "not verified by "+p.Name+".") {
			t.Errorf("a %s thread's page does not name %s", p.Platform, p.Name)
		}
	}
}

// The page's Markdown and text forms say the same under their byline, with
// the original's address; the JSON stays the plain Thread shape.
func TestPageFormatsSayItIsAnUnverifiedCapture(t *testing.T) {
	th := load(t)
	p, err := sharepage.Build(th, false)
	if err != nil {
		t.Fatal(err)
	}
	for format, want := range map[string]string{
		library.PageMarkdown: "*Published by an Unspool user from a capture of [x.com/", // the handle's _ escaped
		library.PageText:     "Published by an Unspool user from a capture of x.com/" + th.Author.Handle + "/status/",
	} {
		body := string(p.Bodies[format])
		if !strings.Contains(body, want) {
			t.Errorf("the %s form lacks its provenance line %q", format, want)
			continue
		}
		for _, also := range []string{"not verified by X.", "See the original on X", th.URL} {
			if !strings.Contains(body[strings.Index(body, want):], also) {
				t.Errorf("the %s form's provenance line lacks %q", format, also)
			}
		}
	}
	if strings.Contains(string(p.Bodies[library.PageJSON]), "Published by") {
		t.Error("the JSON form is the Thread shape; it has no provenance line")
	}
}
