package main

import (
	"context"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// broken is the LibraryService of a server that could not start (bad
// configuration, missing binding): every call fails with the cause, which
// the HTTP layer logs and shows to clients only as "internal error".
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
