package thread

import (
	"errors"
	"fmt"
)

// Error codes shared by every package; the HTTP layer maps them to statuses.
const (
	EINVALID  = "invalid"   // input is malformed or breaks a rule
	ENOTFOUND = "not_found" // nothing to extract / no such thing
	ETOOLARGE = "too_large" // input exceeds a size limit
	EINTERNAL = "internal"
)

// Error is an error with a machine-readable code and a message a person can read.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL when it carries none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// Limits on what a Thread may hold, so that one hostile page or API request
// cannot make every later step (render, sync, storage) pay for it.
const (
	MaxPosts     = 2000
	MaxTextBytes = 100_000 // per post; X's longest posts are 25,000 characters
	MaxMedia     = 16      // per post
	// MaxPreviousIDs bounds a post's earlier version ids (X allows five
	// edits; the rest is room, not a need).
	MaxPreviousIDs = 16
)

// Validate reports the first rule t breaks.
func (t *Thread) Validate() error {
	if t.Platform == "" {
		return Errorf(EINVALID, "thread has no platform")
	}
	if t.ID == "" {
		return Errorf(EINVALID, "thread has no id")
	}
	if SafeURL(t.URL) == "" {
		return Errorf(EINVALID, "thread url %q is not an http(s) URL", t.URL)
	}
	if t.Author.Handle == "" {
		return Errorf(EINVALID, "thread has no author handle")
	}
	if len(t.Posts) == 0 {
		return Errorf(EINVALID, "thread has no posts")
	}
	if len(t.Posts) > MaxPosts {
		return Errorf(ETOOLARGE, "thread has %d posts, more than %d", len(t.Posts), MaxPosts)
	}
	seen := make(map[string]bool, len(t.Posts))
	for i := range t.Posts {
		p := &t.Posts[i]
		if err := p.validate(1); err != nil {
			return Errorf(ErrorCode(err), "post %d: %s", i+1, err.Error())
		}
		if seen[p.ID] {
			return Errorf(EINVALID, "post %d: id %s appears twice", i+1, p.ID)
		}
		seen[p.ID] = true
	}
	return nil
}

func (p *Post) validate(depth int) error {
	if p.ID == "" {
		return Errorf(EINVALID, "post has no id")
	}
	if len(p.Text) > MaxTextBytes {
		return Errorf(ETOOLARGE, "post text is %d bytes, more than %d", len(p.Text), MaxTextBytes)
	}
	if len(p.Media) > MaxMedia {
		return Errorf(ETOOLARGE, "post has %d media, more than %d", len(p.Media), MaxMedia)
	}
	if len(p.PreviousIDs) > MaxPreviousIDs {
		return Errorf(ETOOLARGE, "post has %d earlier version ids, more than %d", len(p.PreviousIDs), MaxPreviousIDs)
	}
	for _, m := range p.Media {
		switch m.Type {
		case Photo, Video, GIF, Audio:
		default:
			return Errorf(EINVALID, "media type %q is not one of photo, video, gif, audio", m.Type)
		}
	}
	if p.Quote != nil {
		if depth >= 2 {
			return Errorf(EINVALID, "quoted posts nest deeper than one level")
		}
		if err := p.Quote.validate(depth + 1); err != nil {
			return Errorf(ErrorCode(err), "quoted post: %s", err.Error())
		}
	}
	return nil
}
