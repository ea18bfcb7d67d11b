package sync_test

import (
	"context"
	"strings"
	"testing"

	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// private is a server that creates libraries only with its token, as one
// run with UNSPOOL_CREATE_TOKEN does; it remembers the tokens it was sent.
type private struct {
	sync.Transport
	token string
	sent  []string
}

func (p *private) CreateLibrary(ctx context.Context, req protocol.CreateLibraryRequest) (protocol.CreateLibraryResponse, error) {
	p.sent = append(p.sent, req.CreateToken)
	if req.CreateToken != p.token {
		return protocol.CreateLibraryResponse{}, &sync.APIError{Status: 403, Code: protocol.CodeForbidden, Message: "creation token"}
	}
	return p.Transport.CreateLibrary(ctx, req)
}

func TestRun_CreatesWithThePrivateServersToken(t *testing.T) {
	ctx := context.Background()
	srv := &private{Transport: synctest.NewServer(), token: "operator-token-0123456789"}
	secret, _ := sync.NewSecret()
	store := sync.NewMemoryStore()
	out := sync.Run(ctx, sync.RunRequest{Op: "create", Secret: secret.Text(), Server: "https://private.example"}, srv, store)
	if !strings.Contains(out.Error, "creation token") || !strings.Contains(out.Error, "private.example") {
		t.Fatalf("without the token: %q", out.Error)
	}
	out = sync.Run(ctx, sync.RunRequest{Op: "create", Secret: secret.Text(), Server: "https://private.example", CreateToken: srv.token}, srv, store)
	if out.Error != "" {
		t.Fatalf("with the token: %q", out.Error)
	}
	// Joining and syncing send no creation request, so no token.
	if out := sync.Run(ctx, sync.RunRequest{Op: "join", Secret: secret.Text(), Server: "https://private.example"}, srv, store); out.Error != "" {
		t.Fatalf("join: %q", out.Error)
	}
	if len(srv.sent) != 2 || srv.sent[0] != "" || srv.sent[1] != srv.token {
		t.Fatalf("creation requests carried %q", srv.sent)
	}
}

// A full server (507) is said as such and not hammered: the sync ends at
// the first answer and tries again later.
func TestRun_FullServerIsNotRetriedAtOnce(t *testing.T) {
	full := &sync.APIError{Status: 507, Code: protocol.CodeInsufficientStorage, Message: "full"}
	if sync.Retryable(full) {
		t.Error("507 is retried within the sync")
	}
	if w := sync.Words(full, "sync.example"); !strings.Contains(w, "full") {
		t.Errorf("507 in words: %q", w)
	}
}
