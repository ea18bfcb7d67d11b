package render

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"unspool/shared/thread"
)

// Options are the reader's settings. The zero value is the default look:
// theme following the system, medium size, medium measure, serif.
//
// Settings are written as data-* attributes on the reader root and applied by
// the stylesheet, never as inline styles, so that a page whose CSP forbids
// style attributes still shows them and the extension can switch a setting
// by changing one attribute instead of rendering again.
type Options struct {
	// The settings' values and defaults are listed in Settings (settings.go).
	// Theme is "auto" (follows prefers-color-scheme), "light", "dark" or "sepia".
	Theme string `json:"theme,omitempty"`
	// FontSize is "small", "medium", "large" or "xlarge".
	FontSize string `json:"fontSize,omitempty"`
	// Width is the line length: "narrow" (~60 characters of prose a line),
	// "medium" (~70) or "wide" (~85).
	Width string `json:"width,omitempty"`
	// Font is "serif" or "sans".
	Font string `json:"font,omitempty"`
	// Standalone makes Render write a whole HTML document instead of a
	// fragment for a shadow root.
	Standalone bool `json:"standalone,omitempty"`
	// Head adds to a standalone document's <head> (share pages: canonical,
	// robots, OpenGraph). Not settable from JSON: it is for Go callers.
	Head Head `json:"-"`
}

// ParseOptions reads options from JSON ("" and "null" give the defaults) and
// checks them.
func ParseOptions(s string) (Options, error) {
	var o Options
	if t := strings.TrimSpace(s); t != "" && t != "null" {
		dec := json.NewDecoder(strings.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			return o, thread.Errorf(thread.EINVALID, "render options: %v", err)
		}
	}
	return o.normalize()
}

// prepare checks t and o and builds the view.
func prepare(t *thread.Thread, o Options) (*readerView, error) {
	if t == nil {
		return nil, thread.Errorf(thread.EINVALID, "render: no thread")
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	return newView(t, o), nil
}

// Reader writes the reader view's root element (<div class="unspool"> with
// its <article>) without the stylesheet: for pages that load CSS themselves.
// Like the fragment, it is for a page with the reader's script (HLS clips
// wait for its player library).
func Reader(w io.Writer, t *thread.Thread, o Options) error {
	v, err := prepare(t, o)
	if err != nil {
		return err
	}
	return reader(v).Render(context.Background(), w)
}

// Render writes what the extension inserts: by default a fragment for a
// shadow root (<style> then the reader root), with o.Standalone a whole
// document (see Document).
func Render(w io.Writer, t *thread.Thread, o Options) error {
	if o.Standalone {
		return Document(w, t, o)
	}
	v, err := prepare(t, o)
	if err != nil {
		return err
	}
	return fragment(v).Render(context.Background(), w)
}

// Document writes a standalone HTML document: charset, viewport, a CSP that
// allows no script, the stylesheet inlined, o.Head's additions, the reader.
func Document(w io.Writer, t *thread.Thread, o Options) error {
	v, err := prepare(t, o)
	if err != nil {
		return err
	}
	v.withoutPlayerLibrary()
	v.Published = o.Head.Published
	return document(newDocView(t, v, o.Head)).Render(context.Background(), w)
}

// Format is an export format.
type Format string

const (
	HTML     Format = "html"
	Markdown Format = "markdown"
	Text     Format = "text"
	JSON     Format = "json"
)

// Formats lists the export formats.
var Formats = []Format{HTML, Markdown, Text, JSON}

// ParseFormat reads a format name; "md" and "txt" are accepted too.
func ParseFormat(s string) (Format, error) {
	switch f := strings.ToLower(strings.TrimSpace(s)); f {
	case "html", "markdown", "text", "json":
		return Format(f), nil
	case "md":
		return Markdown, nil
	case "txt":
		return Text, nil
	}
	return "", thread.Errorf(thread.EINVALID, "export format %q is not one of html, markdown (md), text (txt), json", s)
}

// Extension is the usual file name extension of a format, with its dot.
func (f Format) Extension() string {
	return map[Format]string{HTML: ".html", Markdown: ".md", Text: ".txt", JSON: ".json"}[f]
}

// MediaType is the Content-Type of a format.
func (f Format) MediaType() string {
	return map[Format]string{
		HTML: "text/html; charset=utf-8", Markdown: "text/markdown; charset=utf-8",
		Text: "text/plain; charset=utf-8", JSON: "application/json",
	}[f]
}

// Export writes t in format f; HTML is the standalone document with o's
// settings. A published page's (o.Head.Published) Markdown and text carry
// its provenance line too.
func Export(w io.Writer, t *thread.Thread, f Format, o Options) error {
	switch f {
	case HTML:
		return Document(w, t, o)
	case Markdown:
		return writeMarkdown(w, t, nil, o.Head.Published)
	case Text:
		return writeText(w, t, o.Head.Published)
	case JSON:
		return WriteJSON(w, t)
	}
	return thread.Errorf(thread.EINVALID, "export format %q is not one of html, markdown, text, json", f)
}

// WriteJSON writes t as indented JSON (the published Thread shape).
func WriteJSON(w io.Writer, t *thread.Thread) error {
	if t == nil {
		return thread.Errorf(thread.EINVALID, "render: no thread")
	}
	if err := t.Validate(); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(t)
}

// textWriter collects the first write error so the exporters can write
// line by line and check once.
type textWriter struct {
	w   *bufio.Writer
	err error
}

func newTextWriter(w io.Writer) *textWriter { return &textWriter{w: bufio.NewWriter(w)} }

func (tw *textWriter) s(parts ...string) {
	for _, p := range parts {
		if tw.err == nil {
			_, tw.err = tw.w.WriteString(p)
		}
	}
}

func (tw *textWriter) f(format string, args ...any) {
	if tw.err == nil {
		_, tw.err = fmt.Fprintf(tw.w, format, args...)
	}
}

func (tw *textWriter) flush() error {
	if tw.err != nil {
		return tw.err
	}
	return tw.w.Flush()
}
