package sync

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"unspool/shared/protocol"
)

// Run is what the extension's background asks of the engine, through
// unspool.syncRun: one operation of a Client over the extension's
// IndexedDB (store) and fetch (transport), answered in the words its
// status line shows and with when to try again. The extension keeps only
// the scheduling (when a sync starts) and the settings.

// RunRequest names the operation: "sync" (pull, then push the outbox),
// "create" (register a new library), "join" (check that the library of a
// typed code is on the server) or "delete" (remove the library and every
// record from the server).
type RunRequest struct {
	Op     string `json:"op"`
	Secret string `json:"secret"`
	// Server is the server's address, named (by host) in the words.
	Server string `json:"server"`
	// Failures is how many syncs in a row failed before this one.
	Failures int `json:"failures"`
	// CreateToken is a private server's creation token, sent only by
	// "create" (and only when set): joining needs none.
	CreateToken string `json:"createToken,omitempty"`
	// Device is the device's stable id (the extension's deviceId), which
	// names its manifest (manifest.go). Without one (an older extension)
	// the sync writes no manifest and only checks the other devices'.
	Device string `json:"device,omitempty"`
}

// RunOutcome is the answer: what the operation did, and on failure what to
// tell the person and when to sync again.
type RunOutcome struct {
	Report
	Error     string `json:"error"`     // "" when it went through
	RetryInMs int64  `json:"retryInMs"` // after a failed sync, the wait before the next
}

// Run runs req with the Client's defaults (the sync policy in backoff.go).
func Run(ctx context.Context, req RunRequest, tr Transport, store Store) RunOutcome {
	secret, err := ParseSecret(req.Secret)
	if err != nil {
		return RunOutcome{Error: err.Error()}
	}
	// The Client's clock stamps only its manifest (the extension makes
	// local edits itself, syncEdit), whose id must stay the device's.
	device, stable := req.Device, req.Device != ""
	if !stable {
		if device, err = NewDeviceID(); err != nil {
			return RunOutcome{Error: err.Error()}
		}
	}
	c, err := NewClient(Options{Transport: tr, Secret: secret, Device: device, NoManifest: !stable, Store: store, CreateToken: req.CreateToken})
	if err != nil {
		return RunOutcome{Error: err.Error()}
	}
	host := req.Server
	if u, err := url.Parse(req.Server); err == nil && u.Host != "" {
		host = u.Host
	}
	var out RunOutcome
	switch req.Op {
	case "sync":
		out.Report, err = c.Sync(ctx)
		if errors.Is(err, ErrUnsendable) || errors.Is(err, ErrRolledBack) || errors.Is(err, ErrWithheld) {
			// Counted in Unsendable, RolledBack or Withheld and shown as
			// such (the status line keeps when the server was last found
			// to have lost or withheld data); the sync went through.
			err = nil
		}
		if err != nil {
			out.RetryInMs = RetryIn(req.Failures+1, err).Milliseconds()
		}
	case "create":
		_, err = c.Connect(ctx)
	case "join":
		if err = c.Check(ctx); isGone(err) {
			return RunOutcome{Error: fmt.Sprintf("There is no library with this sync code on %s. Check the code and the server address.", host)}
		}
	case "delete":
		err = c.DeleteLibrary(ctx)
	default:
		return RunOutcome{Error: fmt.Sprintf("sync: unknown operation %q (sync, create, join, delete)", req.Op)}
	}
	if err != nil {
		out.Error = Words(err, host)
	}
	return out
}

// isGone: the library is not there, or this key does not open it.
func isGone(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.Status == 401 || ae.Status == 404)
}

// Words says what a failed request means to the person using the
// extension, and what happens next; host is the server's.
func Words(err error, host string) string {
	var ae *APIError
	switch {
	case errors.Is(err, ErrUnreachable):
		return fmt.Sprintf("Can't reach the sync server (%s). Your changes are kept and will be sent when it is back.", host)
	case !errors.As(err, &ae):
		// An answer that breaks the protocol, or local storage failing.
		return fmt.Sprintf("Sync did not finish (%v); we will try again shortly.", err)
	case ae.Status == 401:
		return "The server no longer accepts this device's sync code (was the library deleted from another device?). Turn sync off, then join again."
	case ae.Status == 404:
		return "Your library is not on the sync server any more (it may have been deleted from another device). Turn sync off and on again to upload it."
	case ae.Status == 403 && ae.Code == protocol.CodeForbidden:
		return fmt.Sprintf("The sync server %s is private: it makes new libraries only with its creation token. Enter the token its operator gave you, or use another server.", host)
	case ae.Status == 507:
		return "The sync server is full: it takes no new saved threads for now (reading and deleting still work). Your changes are kept here; we will try again later."
	case ae.Status == 413:
		return "A saved thread is too large for the sync server, or the library is over its storage limit."
	case ae.Status == 429:
		return "The sync server asked us to slow down; we will try again shortly."
	case ae.Status >= 500:
		return fmt.Sprintf("The sync server had a problem (%d); we will try again shortly.", ae.Status)
	case ae.Message != "":
		return fmt.Sprintf("The sync server refused a request (%d: %s).", ae.Status, ae.Message)
	}
	return fmt.Sprintf("The sync server refused a request (%d).", ae.Status)
}
