package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"sync"
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
type Sharded struct {
	shards []*shard
	// RetryAfter is the seconds an unavailable shard's clients should wait,
	// and how long natively before opening a failed shard is tried again.
	RetryAfter int
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
	return &library.Error{Code: library.EUNAVAILABLE, RetryAfter: s.RetryAfter, Cause: err,
		Message: "this library's storage is unavailable for now; retry later"}
}

// notDatabase marks an error that did not come from a shard's database (a
// share page that failed to build), so it is not reported as the shard
// being down.
type notDatabase struct{ err error }

func (e notDatabase) Error() string { return e.err.Error() }

// library picks a's shard. The id is checked first: a malformed request is
// a 400 whatever the state of the shards.
func (s *Sharded) library(ctx context.Context, a library.Auth) (*Store, int, error) {
	if err := a.Validate(); err != nil {
		return nil, 0, err
	}
	i := ShardOf(a.LibraryID, len(s.shards))
	st, err := s.get(ctx, i)
	return st, i, err
}

// CreateLibrary implements library.LibraryService.
func (s *Sharded) CreateLibrary(ctx context.Context, a library.Auth, client string) (bool, error) {
	st, _, err := s.library(ctx, a)
	if err != nil {
		return false, err
	}
	created, err := st.CreateLibrary(ctx, a, client)
	return created, s.unavailable(err)
}

// Pull implements library.LibraryService.
func (s *Sharded) Pull(ctx context.Context, a library.Auth, p library.PullPage) (*protocol.PullResponse, error) {
	st, _, err := s.library(ctx, a)
	if err != nil {
		return nil, err
	}
	resp, err := st.Pull(ctx, a, p)
	return resp, s.unavailable(err)
}

// Push implements library.LibraryService.
func (s *Sharded) Push(ctx context.Context, a library.Auth, changes []protocol.Change) ([]protocol.PushResult, error) {
	st, _, err := s.library(ctx, a)
	if err != nil {
		return nil, err
	}
	res, err := st.Push(ctx, a, changes)
	return res, s.unavailable(err)
}

// DeleteLibrary implements library.LibraryService.
func (s *Sharded) DeleteLibrary(ctx context.Context, a library.Auth) error {
	st, _, err := s.library(ctx, a)
	if err != nil {
		return err
	}
	return s.unavailable(st.DeleteLibrary(ctx, a))
}

// Share slugs carry their shard, so a public page is one read of one
// database: "<shard>.<random>" for shards 1…N-1, the bare random part for
// shard 0 — the slugs of a single-database server, which keep working when
// it is given more shards.
func publicSlug(i int, raw string) string {
	if i == 0 {
		return raw
	}
	return strconv.Itoa(i) + "." + raw
}

// parseSlug splits a public slug into its shard and stored slug; ok is false
// for a shard this deployment does not have (the page does not exist).
func parseSlug(slug string, n int) (int, string, bool) {
	prefix, raw, found := strings.Cut(slug, ".")
	if !found {
		return 0, slug, true
	}
	i, err := strconv.Atoi(prefix)
	if err != nil || i < 1 || i >= n || strconv.Itoa(i) != prefix {
		return 0, "", false
	}
	return i, raw, true
}

func (s *Sharded) publicShare(i int, sh protocol.Share) protocol.Share {
	sh.Slug = publicSlug(i, sh.Slug)
	sh.URL = protocol.SharePath(sh.Slug)
	return sh
}

// PublishShare implements library.ShareService.
func (s *Sharded) PublishShare(ctx context.Context, a library.Auth, build func() (*library.SharePage, error)) (protocol.Share, bool, error) {
	st, i, err := s.library(ctx, a)
	if err != nil {
		return protocol.Share{}, false, err
	}
	sh, created, err := st.PublishShare(ctx, a, func() (*library.SharePage, error) {
		p, err := build()
		if err != nil {
			return nil, notDatabase{err}
		}
		return p, nil
	})
	if err != nil {
		return sh, false, s.unavailable(err)
	}
	return s.publicShare(i, sh), created, nil
}

// ListShares implements library.ShareService.
func (s *Sharded) ListShares(ctx context.Context, a library.Auth) ([]protocol.Share, error) {
	st, i, err := s.library(ctx, a)
	if err != nil {
		return nil, err
	}
	list, err := st.ListShares(ctx, a)
	if err != nil {
		return nil, s.unavailable(err)
	}
	for k := range list {
		list[k] = s.publicShare(i, list[k])
	}
	return list, nil
}

// UnpublishShare implements library.ShareService. A library's shares live in
// its own shard, so a slug naming another shard is not one of them.
func (s *Sharded) UnpublishShare(ctx context.Context, a library.Auth, slug string) error {
	st, i, err := s.library(ctx, a)
	if err != nil {
		return err
	}
	j, raw, ok := parseSlug(slug, len(s.shards))
	if !ok || j != i {
		// Authenticated and rate-counted as any other slug would be, so
		// the answer tells nothing about where the slug lives.
		raw = ""
	}
	return s.unavailable(st.UnpublishShare(ctx, a, raw))
}

// SharePageBody implements library.ShareService: one read of the shard the
// slug names.
func (s *Sharded) SharePageBody(ctx context.Context, slug, format string) (*library.PageBody, error) {
	i, raw, ok := parseSlug(slug, len(s.shards))
	if !ok || !library.ValidSlug(raw) {
		return nil, library.Errorf(library.ENOTFOUND, "no such page")
	}
	st, err := s.get(ctx, i)
	if err != nil {
		return nil, err
	}
	body, err := st.SharePageBody(ctx, raw, format)
	return body, s.unavailable(err)
}

// routedCount is shard i's rate-limit counter on Workers, where counts live
// in the databases: a library's budget is counted in its own shard (the
// request touches no other), a client address's creations in the shard the
// address hashes to, so the limit holds across shards. If that shard is
// down the creation is counted in the library's shard instead: a per-shard
// limit for the while, rather than refusing a healthy shard's libraries.
func (s *Sharded) routedCount(i int, self *Store) func(context.Context, string, int64) (int64, error) {
	return func(ctx context.Context, key string, win int64) (int64, error) {
		j := i
		if _, isLib := strings.CutPrefix(key, "lib:"); !isLib {
			j = ShardOf(key, len(s.shards))
		}
		if j != i {
			if other, err := s.get(ctx, j); err == nil {
				if n, err := other.countInDB(ctx, key, win); err == nil {
					return n, nil
				}
			}
		}
		return self.countInDB(ctx, key, win)
	}
}
