package sync_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"unspool/shared/sync"
)

// Retry-After is read in every form a server or proxy may send: seconds,
// and the three HTTP date forms, whichever Doer carried the answer.
func TestDoerTransport_RetryAfterForms(t *testing.T) {
	at := time.Now().Add(2 * time.Hour).UTC()
	for _, ra := range []string{
		"7200",
		at.Format("Mon, 02 Jan 2006 15:04:05 GMT"),
		at.Format("Monday, 02-Jan-06 15:04:05 GMT"),
		at.Format(time.ANSIC),
	} {
		tr := sync.NewTransport(func(context.Context, sync.Request) (sync.Response, error) {
			return sync.Response{Status: 503, RetryAfter: ra}, nil
		})
		_, err := tr.Pull(ctx, "lib", "key", "", 0)
		var ae *sync.APIError
		if !errors.As(err, &ae) || ae.RetryAfter < 119*time.Minute || ae.RetryAfter > 2*time.Hour {
			t.Errorf("Retry-After %q: %#v", ra, err)
		}
	}
}
