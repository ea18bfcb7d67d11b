// Package synctest is an in-memory sync server with the semantics of
// package protocol, for tests: it implements sync.Transport directly (fast,
// deterministic) and http.Handler (to test package synchttp and anything else
// that speaks HTTP), and it can fail on purpose before or after applying a
// request, as a dropped connection does. It also builds test threads.
//
// It is a reference for the protocol's behaviour, not the server: no
// persistence, no rate limit, no CORS.
package synctest

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	gosync "sync"

	"unspool/shared/protocol"
	"unspool/shared/sync"
)

// Fault says whether and when a request fails.
type Fault int

const (
	// OK: the request is served.
	OK Fault = iota
	// FailBefore: the request is lost on the way in; nothing is applied.
	FailBefore
	// FailAfter: the request is applied but the answer is lost.
	FailAfter
)

// ErrInjected is the network error a fault produces: the server could not
// be reached, as a Doer reports it.
var ErrInjected = fmt.Errorf("synctest: injected network failure: %w", sync.ErrUnreachable)

// Server is an in-memory sync server. The zero value is not usable: use
// NewServer.
type Server struct {
	// Faults, when set, is asked before every request: op is "create",
	// "pull", "push" or "delete", n counts that op's calls from 1.
	Faults func(op string, n int) Fault

	mu     gosync.Mutex
	libs   map[string]*library
	calls  map[string]int
	epochs int64 // libraries created so far
}

type library struct {
	authHash [sha256.Size]byte
	recs     map[string]protocol.Record
	seq      int64
	writes   map[string]int // applied changes per record
	// epoch tells this library's cursors from those of a library deleted
	// and made again under the same id, as the server's do: such a cursor
	// starts over.
	epoch int64
}

var _ sync.Transport = (*Server)(nil)

func NewServer() *Server {
	return &Server{libs: map[string]*library{}, calls: map[string]int{}}
}

func apiErr(code, format string, args ...any) error {
	return sync.NewAPIError(code, fmt.Sprintf(format, args...))
}

// fault counts the call and reports the fault to apply.
func (s *Server) fault(op string) Fault {
	s.calls[op]++
	if s.Faults == nil {
		return OK
	}
	return s.Faults(op, s.calls[op])
}

func validID(id string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(id)
	return len(id) == protocol.IDLength && err == nil && len(b) == 32
}

func (s *Server) CreateLibrary(_ context.Context, req protocol.CreateLibraryRequest) (protocol.CreateLibraryResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault("create")
	if f == FailBefore {
		return protocol.CreateLibraryResponse{}, ErrInjected
	}
	if !validID(req.LibraryID) || !validID(req.AuthKey) {
		return protocol.CreateLibraryResponse{}, apiErr(protocol.CodeBadRequest, "libraryId and authKey must be 43 characters of base64url")
	}
	h := sha256.Sum256([]byte(req.AuthKey))
	resp := protocol.CreateLibraryResponse{LibraryID: req.LibraryID}
	if lib, ok := s.libs[req.LibraryID]; ok {
		if subtle.ConstantTimeCompare(lib.authHash[:], h[:]) != 1 {
			return protocol.CreateLibraryResponse{}, apiErr(protocol.CodeUnauthorized, "this library exists with another key")
		}
	} else {
		s.epochs++
		s.libs[req.LibraryID] = &library{authHash: h, recs: map[string]protocol.Record{}, writes: map[string]int{}, epoch: s.epochs}
		resp.Created = true
	}
	if f == FailAfter {
		return protocol.CreateLibraryResponse{}, ErrInjected
	}
	return resp, nil
}

// auth finds the library and checks the key; the caller holds s.mu.
func (s *Server) auth(libID, authKey string) (*library, error) {
	lib, ok := s.libs[libID]
	h := sha256.Sum256([]byte(authKey))
	if !ok {
		return nil, apiErr(protocol.CodeNotFound, "no such library")
	}
	if subtle.ConstantTimeCompare(lib.authHash[:], h[:]) != 1 {
		return nil, apiErr(protocol.CodeUnauthorized, "wrong key for this library")
	}
	return lib, nil
}

func (s *Server) Pull(_ context.Context, libID, authKey, since string, limit int) (protocol.PullResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault("pull")
	if f == FailBefore {
		return protocol.PullResponse{}, ErrInjected
	}
	lib, err := s.auth(libID, authKey)
	if err != nil {
		return protocol.PullResponse{}, err
	}
	var after int64
	if since != "" {
		seq, epoch, _ := strings.Cut(since, ".")
		e, err2 := strconv.ParseInt(epoch, 10, 64)
		if after, err = strconv.ParseInt(seq, 10, 64); err != nil || err2 != nil || after < 0 {
			return protocol.PullResponse{}, apiErr(protocol.CodeBadRequest, "since is not a cursor this server gave")
		}
		if e != lib.epoch {
			after = 0
		}
	}
	if limit <= 0 {
		limit = protocol.DefaultPullLimit
	}
	limit = min(limit, protocol.MaxPullLimit)
	var newer []protocol.Record
	for _, r := range lib.recs {
		if r.Seq > after {
			newer = append(newer, r)
		}
	}
	slices.SortFunc(newer, func(a, b protocol.Record) int { return int(a.Seq - b.Seq) })
	cursor := func(seq int64) string { return strconv.FormatInt(seq, 10) + "." + strconv.FormatInt(lib.epoch, 10) }
	resp := protocol.PullResponse{Changes: []protocol.Record{}, Cursor: cursor(after)}
	if len(newer) > limit {
		newer, resp.More = newer[:limit], true
	}
	resp.Changes = append(resp.Changes, newer...)
	if len(newer) > 0 {
		resp.Cursor = cursor(newer[len(newer)-1].Seq)
	}
	if f == FailAfter {
		return protocol.PullResponse{}, ErrInjected
	}
	return resp, nil
}

func (s *Server) Push(_ context.Context, libID, authKey string, req protocol.PushRequest) (protocol.PushResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault("push")
	if f == FailBefore {
		return protocol.PushResponse{}, ErrInjected
	}
	lib, err := s.auth(libID, authKey)
	if err != nil {
		return protocol.PushResponse{}, err
	}
	if len(req.Changes) > protocol.MaxBatchChanges {
		return protocol.PushResponse{}, apiErr(protocol.CodeTooLarge, "at most %d changes per push", protocol.MaxBatchChanges)
	}
	// Validate the whole batch before applying any of it.
	for _, ch := range req.Changes {
		if !validID(ch.ID) || ch.BaseSeq < 0 || ch.Blob == "" {
			return protocol.PushResponse{}, apiErr(protocol.CodeBadRequest, "a change has a bad id, baseSeq or blob")
		}
		if len(ch.Blob) > protocol.MaxRecordBlobBytes {
			return protocol.PushResponse{}, apiErr(protocol.CodeTooLarge, "a record is over %d bytes", protocol.MaxRecordBlobBytes)
		}
	}
	resp := protocol.PushResponse{Results: []protocol.PushResult{}}
	for _, ch := range req.Changes {
		cur, exists := lib.recs[ch.ID]
		if cur.Seq != ch.BaseSeq {
			res := protocol.PushResult{ID: ch.ID, Status: protocol.Conflict}
			if exists {
				c := cur
				res.Current = &c
			}
			resp.Results = append(resp.Results, res)
			continue
		}
		if !exists && len(lib.recs) >= protocol.MaxLibraryRecords {
			return protocol.PushResponse{}, apiErr(protocol.CodeTooLarge, "the library is full")
		}
		lib.seq++
		lib.recs[ch.ID] = protocol.Record{ID: ch.ID, Seq: lib.seq, Deleted: ch.Deleted, Blob: ch.Blob}
		lib.writes[ch.ID]++
		resp.Results = append(resp.Results, protocol.PushResult{ID: ch.ID, Status: protocol.Applied, Seq: lib.seq})
	}
	if f == FailAfter {
		return protocol.PushResponse{}, ErrInjected
	}
	return resp, nil
}

func (s *Server) DeleteLibrary(_ context.Context, libID, authKey string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault("delete")
	if f == FailBefore {
		return ErrInjected
	}
	if _, err := s.auth(libID, authKey); err != nil {
		return err
	}
	delete(s.libs, libID)
	if f == FailAfter {
		return ErrInjected
	}
	return nil
}

// Records returns a library's records in seq order (nil if none).
func (s *Server) Records(libID string) []protocol.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	lib := s.libs[libID]
	if lib == nil {
		return nil
	}
	var out []protocol.Record
	for _, r := range lib.recs {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b protocol.Record) int { return int(a.Seq - b.Seq) })
	return out
}

// Writes is how many pushed changes to record id the server applied.
func (s *Server) Writes(libID, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lib := s.libs[libID]; lib != nil {
		return lib.writes[id]
	}
	return 0
}

// Calls is how many requests of op ("create", "pull", "push", "delete")
// reached the server, failed ones included.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Snapshot is a copy of every library the server holds, for Restore.
type Snapshot map[string]library

// Snapshot copies the server's libraries as they stand.
func (s *Server) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Snapshot{}
	for id, lib := range s.libs {
		c := *lib
		c.recs = maps.Clone(lib.recs)
		c.writes = maps.Clone(lib.writes)
		out[id] = c
	}
	return out
}

// Restore puts the libraries back as a Snapshot had them: a server that
// rolls back to an old backup, or a malicious one replaying an older
// state. Seqs go back too, so it serves older blobs under seqs it once
// gave to newer ones.
func (s *Server) Restore(snap Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.libs = map[string]*library{}
	for id, lib := range snap {
		c := lib
		c.recs = maps.Clone(lib.recs)
		c.writes = maps.Clone(lib.writes)
		s.libs[id] = &c
	}
}
