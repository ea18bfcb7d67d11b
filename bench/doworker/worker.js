// The alternative to D1 shards, measured (docs/scaling.md): one SQLite-backed
// Durable Object per library. It runs bench/jsworker's own handlers — the
// same statements, schema and JSON — inside the library's object, over the
// object's SQLite (ctx.storage.sql) behind a D1-shaped adapter, so that
// `syncload compare` against bench/jsworker measures only the storage
// primitive: a D1 database vs a Durable Object. Benchmark only, never deployed.
import { DurableObject } from "cloudflare:workers";
import baseline from "../jsworker/worker.js";

// The tables bench/jsworker's statements touch (server/store/migrations/0001).
const schema = `
CREATE TABLE IF NOT EXISTS libraries (id TEXT PRIMARY KEY, key_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
  record_count INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS records (library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
  id TEXT NOT NULL, seq INTEGER NOT NULL, deleted INTEGER NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
  PRIMARY KEY (library_id, id));
CREATE UNIQUE INDEX IF NOT EXISTS records_by_seq ON records (library_id, seq);
CREATE TRIGGER IF NOT EXISTS records_count_insert AFTER INSERT ON records BEGIN
  UPDATE libraries SET record_count = record_count + 1, bytes = bytes + NEW.size WHERE id = NEW.library_id; END;
CREATE TRIGGER IF NOT EXISTS records_count_update AFTER UPDATE OF size ON records BEGIN
  UPDATE libraries SET bytes = bytes - OLD.size + NEW.size WHERE id = NEW.library_id; END;
CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, win INTEGER NOT NULL, count INTEGER NOT NULL);`;

// d1Like is the part of D1's API the baseline uses, over a DO's SQL storage.
function d1Like(sql) {
  return {
    prepare(query) {
      return {
        bind(...args) {
          return {
            first: async () => sql.exec(query, ...args).toArray()[0] ?? null,
            all: async () => ({ results: sql.exec(query, ...args).toArray() }),
          };
        },
      };
    },
  };
}

export class Library extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec(schema);
    this.env = { ...env, DB: d1Like(ctx.storage.sql) };
  }
  fetch(request) {
    return baseline.fetch(request, this.env);
  }
}

// Each library's requests go to its own object, named by the library id.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    let lib = url.pathname.match(/^\/v1\/libraries\/([A-Za-z0-9_-]{43})\//)?.[1];
    let body;
    if (!lib && url.pathname === "/v1/libraries" && request.method === "POST") {
      body = await request.text();
      lib = JSON.parse(body).libraryId;
    }
    if (!lib) return new Response('{"error":{"code":"not_found","message":"no route"}}', { status: 404 });
    const stub = env.LIB.get(env.LIB.idFromName(lib));
    return stub.fetch(body === undefined ? request : new Request(request, { body }));
  },
};
