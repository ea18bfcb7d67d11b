// Package render turns a thread.Thread into what people read: the reader view
// (HTML for the extension's shadow-root overlay, the library and the server's
// share pages), a standalone HTML document, Markdown, plain text and JSON.
//
// Output is built only from the structured model — post text from its Runs,
// links and media only when thread.SafeURL accepts them — and every value goes
// through templ's contextual escaping, so no page HTML ever reaches it.
//
// Files:
//   - render.go      the API: Options, Format, Render/Reader/Document/Export
//   - view.go        the view model: a Thread prepared for templates (dates,
//     reading time, paragraphs, platform links, lang/dir, poll percentages)
//   - platform.go    per-platform names and mention/hashtag link rules
//   - reader.templ   the reader components (reader_templ.go is generated)
//   - document.templ the standalone document; head.go its extensible head
//     (Head, Meta for share pages), DefaultCSP and Summarize (link previews)
//   - style.css      the reader's stylesheet; css_gen.go holds it minified,
//     written by `go generate` (internal/cssgen) so the WASM links no minifier
//   - markdown.go    CommonMark export with YAML front matter
//   - text.go        plain-text export
//
// Tests: golden_test.go renders every extraction golden and the threads in
// testdata/made into testdata/<source>/<case>/expected.{html,md,txt}
// (-update rewrites them); safety_test.go and fuzz_test.go parse output as a
// browser does and reject anything executable; generated_test.go keeps the
// templ output current and the minifier out of the WASM.
package render

//go:generate go run ./internal/cssgen
