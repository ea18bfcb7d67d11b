package main

import (
	"context"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// broken is the LibraryService and ShareService of a server that could not
// start (bad configuration, missing binding): every call fails with the
// cause, which the HTTP layer logs and shows to clients only as "internal
// error".
type broken struct{ err error }

func (b broken) CreateLibrary(context.Context, library.Auth, string) (bool, error) {
	return false, b.err
}
func (b broken) Pull(context.Context, library.Auth, library.PullPage) (*protocol.PullResponse, error) {
	return nil, b.err
}
func (b broken) Push(context.Context, library.Auth, []protocol.Change) ([]protocol.PushResult, error) {
	return nil, b.err
}
func (b broken) DeleteLibrary(context.Context, library.Auth) error { return b.err }
func (b broken) PublishShare(context.Context, library.Auth, func() (*library.SharePage, error)) (protocol.Share, bool, error) {
	return protocol.Share{}, false, b.err
}
func (b broken) ListShares(context.Context, library.Auth) ([]protocol.Share, error) {
	return nil, b.err
}
func (b broken) UnpublishShare(context.Context, library.Auth, string) error { return b.err }
func (b broken) SharePageBody(context.Context, string, string) (*library.PageBody, error) {
	return nil, b.err
}
