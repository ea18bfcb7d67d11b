// A minimal plain-JS Worker doing the same D1 work as the Go server's
// push and pull (server/store/records.go): the same statements, the same
// schema (server/store/migrations), the same JSON on the wire. It exists
// only as the baseline of `syncload compare`: what the Go worker costs per
// request compared with the least a Worker must do. Not a second server:
// validation and limits are cut to what the benchmark's requests need.

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const fail = (status, code, message) => json(status, { error: { code, message } });

async function sha256hex(s) {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function equalConstantTime(a, b) {
  const ea = new TextEncoder().encode(a), eb = new TextEncoder().encode(b);
  return ea.length === eb.length && crypto.subtle.timingSafeEqual(ea, eb);
}

async function rateLimit(env, key) {
  const limit = Number(env.UNSPOOL_RATE_LIMIT || 0);
  if (limit <= 0) return true;
  const windowMs = Number(env.UNSPOOL_RATE_WINDOW || 60) * 1000;
  const win = Math.floor(Date.now() / windowMs);
  const row = await env.DB.prepare(
    `INSERT INTO rate_limits (key, win, count) VALUES (?, ?, 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN rate_limits.win = excluded.win THEN rate_limits.count + 1 ELSE 1 END,
       win = excluded.win
     RETURNING count`).bind(key, win).first();
  return row.count <= limit;
}

async function authorize(env, libID, request) {
  const key = (request.headers.get("authorization") || "").replace(/^Bearer /, "");
  const lib = await env.DB.prepare(
    "SELECT key_hash, created_at, record_count, bytes FROM libraries WHERE id = ?").bind(libID).first();
  if (!lib) return [null, fail(404, "not_found", "no such library")];
  if (!equalConstantTime(lib.key_hash, await sha256hex(key))) return [null, fail(401, "unauthorized", "wrong key")];
  if (!(await rateLimit(env, "lib:" + libID))) return [null, fail(429, "rate_limited", "slow down")];
  return [lib, null];
}

async function create(env, request) {
  const { libraryId, authKey } = await request.json();
  const hash = await sha256hex(authKey);
  const row = await env.DB.prepare(
    "INSERT INTO libraries (id, key_hash, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING created_at")
    .bind(libraryId, hash, Date.now()).first();
  if (row) return json(201, { libraryId, created: true });
  const lib = await env.DB.prepare("SELECT key_hash FROM libraries WHERE id = ?").bind(libraryId).first();
  if (!equalConstantTime(lib.key_hash, hash)) return fail(401, "unauthorized", "wrong key");
  return json(200, { libraryId, created: false });
}

async function pull(env, libID, url, lib) {
  const limit = Number(url.searchParams.get("limit") || 200);
  const since = url.searchParams.get("since") || "";
  let seq = 0;
  if (since) {
    const [s, epoch] = since.split(".");
    if (Number(epoch) === lib.created_at) seq = Number(s);
  }
  const { results } = await env.DB.prepare(
    "SELECT id, seq, deleted, blob FROM records WHERE library_id = ? AND seq > ? ORDER BY seq LIMIT ?")
    .bind(libID, seq, limit + 1).all();
  const changes = results.slice(0, limit).map((r) => ({ id: r.id, seq: r.seq, deleted: r.deleted !== 0, blob: r.blob }));
  const cursor = (changes.length ? changes[changes.length - 1].seq : seq) + "." + lib.created_at;
  return json(200, { changes, cursor, more: results.length > limit });
}

async function push(env, libID, request) {
  const { changes } = await request.json();
  const results = [];
  for (const c of changes) {
    const size = atob(c.blob).length;
    const deleted = c.deleted ? 1 : 0;
    const row = c.baseSeq === 0
      ? await env.DB.prepare(
        `INSERT INTO records (library_id, id, seq, deleted, blob, size)
         SELECT ?1, ?2, COALESCE((SELECT MAX(seq) FROM records WHERE library_id = ?1), 0) + 1, ?3, ?4, ?5
         WHERE (SELECT record_count < ?6 AND bytes + ?5 <= ?7 FROM libraries WHERE id = ?1)
         ON CONFLICT (library_id, id) DO NOTHING
         RETURNING seq`).bind(libID, c.id, deleted, c.blob, size, 50000, 512 << 20).first()
      : await env.DB.prepare(
        `UPDATE records SET
           seq = (SELECT MAX(seq) FROM records WHERE library_id = ?1) + 1,
           deleted = ?3, blob = ?4, size = ?5
         WHERE library_id = ?1 AND id = ?2 AND seq = ?6
           AND ?5 - size <= ?7 - (SELECT bytes FROM libraries WHERE id = ?1)
         RETURNING seq`).bind(libID, c.id, deleted, c.blob, size, c.baseSeq, 512 << 20).first();
    if (row) {
      results.push({ id: c.id, status: "applied", seq: row.seq });
      continue;
    }
    const cur = await env.DB.prepare(
      "SELECT id, seq, deleted, blob FROM records WHERE library_id = ? AND id = ?").bind(libID, c.id).first();
    results.push({ id: c.id, status: "conflict", current: cur ? { ...cur, deleted: cur.deleted !== 0 } : undefined });
  }
  return json(200, { results });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/v1/libraries" && request.method === "POST") return create(env, request);
    const m = url.pathname.match(/^\/v1\/libraries\/([A-Za-z0-9_-]{43})\/changes$/);
    if (!m) return fail(404, "not_found", "no route");
    const [lib, err] = await authorize(env, m[1], request);
    if (err) return err;
    if (request.method === "GET") return pull(env, m[1], url, lib);
    if (request.method === "POST") return push(env, m[1], request);
    return fail(405, "method_invalid", "method not allowed");
  },
};
