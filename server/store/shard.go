package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// Libraries are partitioned over N databases by their id: every sync and
// share route touches one library, so each request reads and writes one
// shard, and N databases take N times the writes and bytes of one (a D1
// database runs its statements one at a time and holds at most 10 GB).
//
// ShardOf is jump consistent hashing (Lamping and Veach, 2014) of the
// SHA-256 of the id: uniform, no table to keep, and growing N to N+1 moves
// only the libraries that land on the new shard (1/(N+1) of them), never one
// between two old shards — what a re-sharding move needs (docs/scaling.md).
func ShardOf(id string, n int) int {
	if n <= 1 {
		return 0
	}
	sum := sha256.Sum256([]byte(id))
	key := binary.BigEndian.Uint64(sum[:8])
	var b, j int64 = -1, 0
	for j < int64(n) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}

// MaxShards bounds N: a shard index must fit the slug prefix and the
// Workers binding list; far more than any deployment needs (each shard is a
// 10 GB database).
const MaxShards = 1000

// DefaultRetryAfter is what clients of an unavailable shard are told to wait.
const DefaultRetryAfter = 5

// Sharded is the LibraryService and ShareService over N stores, each library
// living in the store its id hashes to (ShardOf). A shard that cannot be
// opened or whose database fails answers EUNAVAILABLE (503 with
// Retry-After) for its own libraries only; the others go on as before.
//
// While N grows (from > 0: the libraries were placed over from shards and
// are being moved to their places over N, move.go) a library whose two
// homes differ is served by its new shard once it is live there, else by
// its old one.
type Sharded struct {
	shards []*shard
	// RetryAfter is the seconds an unavailable shard's clients should wait,
	// and how long natively before opening a failed shard is tried again.
	RetryAfter int
	from       atomic.Int64
}

var (
	_ library.LibraryService = (*Sharded)(nil)
	_ library.ShareService   = (*Sharded)(nil)
)

// shard opens its store on first use; a failed open is remembered for
// RetryAfter, then tried again (natively the process lives on; on Workers
// every request starts afresh and tries once).
type shard struct {
	open func(context.Context) (*Store, error)
	mu   sync.Mutex
	st   *Store
	err  error
	next time.Time
}

// newSharded makes N shards from their open functions; nothing is opened yet.
func newSharded(opens []func(context.Context) (*Store, error)) *Sharded {
	s := &Sharded{RetryAfter: DefaultRetryAfter}
	for _, o := range opens {
		s.shards = append(s.shards, &shard{open: o})
	}
	return s
}

// N is the number of shards.
func (s *Sharded) N() int { return len(s.shards) }

// GrowingFrom is the shard count libraries are being moved from, 0 when
// every library is where ShardOf(id, N) puts it.
func (s *Sharded) GrowingFrom() int { return int(s.from.Load()) }

func (s *Sharded) get(ctx context.Context, i int) (*Store, error) {
	sh := s.shards[i]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.st != nil {
		return sh.st, nil
	}
	if sh.err != nil && time.Now().Before(sh.next) {
		return nil, s.unavailable(sh.err)
	}
	sh.st, sh.err = sh.open(ctx)
	if sh.err != nil {
		sh.next = time.Now().Add(time.Duration(s.RetryAfter) * time.Second)
		return nil, s.unavailable(sh.err)
	}
	sh.st.slugPrefix = slugPrefix(i)
	return sh.st, nil
}

// OpenAll opens every shard now and returns each one's failure (nil for
// the shards that opened), so a server can say at start what is down.
func (s *Sharded) OpenAll(ctx context.Context) []error {
	errs := make([]error, len(s.shards))
	for i := range s.shards {
		if _, err := s.get(ctx, i); err != nil {
			errs[i] = errors.Unwrap(err)
		}
	}
	return errs
}

// Close closes the stores that were opened.
func (s *Sharded) Close() error {
	var err error
	for _, sh := range s.shards {
		sh.mu.Lock()
		if sh.st != nil {
			err = errors.Join(err, sh.st.Close())
			sh.st = nil
		}
		sh.mu.Unlock()
	}
	return err
}

// movingRetryAfter is what a client told a library is moving waits: a
// move's pause is a copy of one library, seconds at most.
const movingRetryAfter = 1

// unavailable is how a shard's database failure reaches the client: 503
// with Retry-After, the cause kept for the log. Domain errors (a wrong key,
// a quota) pass unchanged.
func (s *Sharded) unavailable(err error) error {
	var le *library.Error
	if err == nil || errors.As(err, &le) || errors.Is(err, context.Canceled) {
		return err
	}
	var ne notDatabase
	if errors.As(err, &ne) {
		return ne.err
	}
	if isFrozen(err) || errors.Is(err, errElsewhere) {
		return &library.Error{Code: library.EUNAVAILABLE, RetryAfter: movingRetryAfter, Cause: err,
			Message: "this library is moving to another database; retry in a moment"}
	}
	return &library.Error{Code: library.EUNAVAILABLE, RetryAfter: s.RetryAfter, Cause: err,
		Message: "this library's storage is unavailable for now; retry later"}
}

// isFrozen tells a write refused by the freeze triggers
// (migrations/0004_moves.sql); the message is all D1 passes through.
func isFrozen(err error) bool {
	return err != nil && strings.Contains(err.Error(), "unspool: library is moving")
}

// notDatabase marks an error that did not come from a shard's database (a
// share page that failed to build), so it is not reported as the shard
// being down.
type notDatabase struct{ err error }

func (e notDatabase) Error() string { return e.err.Error() }

// homes is where library id may be served from: first the shard to ask,
// then the one to ask if the first answers errElsewhere (the same shard
// unless N is growing and the library's old and new shards differ).
func (s *Sharded) homes(ctx context.Context, id string) (first, other int) {
	n, from := len(s.shards), int(s.from.Load())
	to := ShardOf(id, n)
	if from == 0 {
		return to, to
	}
	old := ShardOf(id, from)
	if old == to {
		return to, to
	}
	if st, err := s.get(ctx, to); err == nil {
		if state, ok, err := st.libraryState(ctx, id); err == nil && ok && state == stateLive {
			return to, old
		}
	}
	return old, to
}

// at runs f on the store serving a, and on its other home if the first
// says the library is served elsewhere (it moved between the two reads).
func (s *Sharded) at(ctx context.Context, a library.Auth, f func(st *Store, shard int) error) error {
	if err := a.Validate(); err != nil {
		return err
	}
	first, other := s.homes(ctx, a.LibraryID)
	err := s.on(ctx, first, f)
	if errors.Is(err, errElsewhere) && other != first {
		err = s.on(ctx, other, f)
	}
	return s.unavailable(err)
}

func (s *Sharded) on(ctx context.Context, i int, f func(st *Store, shard int) error) error {
	st, err := s.get(ctx, i)
	if err != nil {
		return err
	}
	return f(st, i)
}

// CreateLibrary implements library.LibraryService. While N grows, a new
// library is made in its new shard (unless its old shard has it), so no
// library is ever created behind the mover.
func (s *Sharded) CreateLibrary(ctx context.Context, a library.Auth, client string) (created bool, err error) {
	err = s.at(ctx, a, func(st *Store, i int) error {
		if to := ShardOf(a.LibraryID, len(s.shards)); i != to {
			if _, ok, err := st.libraryState(ctx, a.LibraryID); err != nil {
				return err
			} else if !ok {
				return s.on(ctx, to, func(st *Store, _ int) (err error) {
					created, err = st.CreateLibrary(ctx, a, client)
					return err
				})
			}
		}
		created, err = st.CreateLibrary(ctx, a, client)
		return err
	})
	return created, err
}

// Pull implements library.LibraryService.
func (s *Sharded) Pull(ctx context.Context, a library.Auth, p library.PullPage) (resp *protocol.PullResponse, err error) {
	err = s.at(ctx, a, func(st *Store, _ int) (err error) {
		resp, err = st.Pull(ctx, a, p)
		return err
	})
	return resp, err
}

// Push implements library.LibraryService.
func (s *Sharded) Push(ctx context.Context, a library.Auth, changes []protocol.Change) (res []protocol.PushResult, err error) {
	err = s.at(ctx, a, func(st *Store, _ int) (err error) {
		res, err = st.Push(ctx, a, changes)
		return err
	})
	return res, err
}

// DeleteLibrary implements library.LibraryService. Its pages become
// tombstones in its shard (a trigger); the forwards older shards keep for
// them are marked as theirs are, to be purged with them.
func (s *Sharded) DeleteLibrary(ctx context.Context, a library.Auth) error {
	home, origins := -1, []int(nil)
	err := s.at(ctx, a, func(st *Store, i int) error {
		if err := st.DeleteLibrary(ctx, a); err != nil {
			return err
		}
		home, origins = i, st.originsOf(ctx, a.LibraryID, i)
		return nil
	})
	if err != nil {
		return err
	}
	for _, from := range origins {
		s.retireForwards(ctx, from, home, forwardsOfLibrary, a.LibraryID)
	}
	return nil
}
