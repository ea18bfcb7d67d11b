//go:build js && wasm

package store

import (
	"database/sql"

	"github.com/syumai/workers/cloudflare/d1"
)

// OpenD1 returns the store over the D1 database bound as binding in
// wrangler.toml. The schema is applied by `wrangler d1 migrations apply`
// from the same migrations/ folder, not at start: a Worker instance lives
// for one request.
func OpenD1(binding string, cfg Config) (*Store, error) {
	c, err := d1.OpenConnector(binding)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	return newStore(db, db, cfg), nil
}
