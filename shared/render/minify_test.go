package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"

	"unspool/shared/render"
)

// TestDocumentSurvivesMinify: the server minifies share pages with
// tdewolff/minify. The minified page must keep the stylesheet byte
// for byte (its CSP hash allows exactly those bytes) and stay free of
// executable markup.
func TestDocumentSurvivesMinify(t *testing.T) {
	var b bytes.Buffer
	if err := render.Document(&b, madeThread(t, "x-search-rebuild"), render.Options{}); err != nil {
		t.Fatal(err)
	}
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("text/html", html.Minify)
	out, err := m.String("text/html", b.String())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "<style>"+render.CSS+"</style>") {
		t.Error("minifying the document changed its stylesheet: the CSP hash would no longer match")
	}
	assertSafeHTML(t, out, true)
	t.Logf("document %d bytes, minified %d", b.Len(), len(out))
}
