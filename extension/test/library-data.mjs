// Deterministic saved-thread data for the library's tests and benchmark,
// made from the extractor goldens (shared/extract/testdata/<site>/<case>/
// expected.json — real threads as the extractors read them), varied by a
// seeded generator: new ids, authors drawn from the goldens' authors, texts
// recombined from the goldens' words plus made-up words, so every thread is
// distinct and searchable. Same seed, same threads.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const goldensDir = path.join(root, 'shared/extract/testdata');

export function goldens() {
  const out = [];
  if (!fs.existsSync(goldensDir)) throw new Error(`no extractor goldens in ${goldensDir}`);
  for (const site of fs.readdirSync(goldensDir).sort()) {
    const dir = path.join(goldensDir, site);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const c of fs.readdirSync(dir).sort()) {
      const f = path.join(dir, c, 'expected.json');
      if (!fs.existsSync(f)) continue;
      const t = JSON.parse(fs.readFileSync(f, 'utf8'));
      if (t?.posts?.length && t.platform && t.id) out.push(t);
    }
  }
  if (!out.length) throw new Error(`no expected.json with posts under ${goldensDir}`);
  return out;
}

// mulberry32: a tiny seeded PRNG, so generated data is the same every run.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'ven', 'dri', 'mo', 'sta', 'quo', 'rix', 'bel', 'nu', 'tor', 'fen', 'gal', 'zer', 'pim', 'ola'];

// madeUpWord is a pronounceable word that is in no dictionary, so a test can
// search for it and know which post it came from.
export function madeUpWord(rand) {
  let w = '';
  const n = 3 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
  return w;
}

export class Generator {
  constructor(seed = 1) {
    this.rand = rng(seed);
    this.sources = goldens();
    this.posts = this.sources.flatMap((t) => t.posts.map((p) => ({ p, t })));
    this.words = [...new Set(this.posts.flatMap(({ p }) => (p.text.match(/[\p{L}]{3,}/gu) ?? [])))];
    this.authors = this.sources.map((t) => t.author);
    this.n = 0;
  }

  pick(list) { return list[Math.floor(this.rand() * list.length)]; }

  sentence(len) {
    const out = [];
    for (let i = 0; i < len; i++) out.push(this.rand() < 0.08 ? madeUpWord(this.rand) : this.pick(this.words));
    return out.join(' ');
  }

  // thread makes one new thread of `posts` posts (default: 1–25).
  thread({ posts } = {}) {
    const n = ++this.n;
    const base = this.pick(this.sources);
    const author = { ...this.pick(this.authors) };
    // Spread threads over a few hundred authors, as a real library would.
    const variant = Math.floor(this.rand() * 300);
    if (variant) author.handle = `${author.handle.split('@')[0].split('.')[0]}${variant}`;
    const count = posts ?? 1 + Math.floor(this.rand() * 25);
    const id = String(1_800_000_000_000_000_000n + BigInt(n) * 1000n);
    const start = Date.UTC(2023, 0, 1) + Math.floor(this.rand() * 3 * 365 * 86400e3);
    const list = [];
    for (let i = 0; i < count; i++) {
      const { p } = this.pick(this.posts);
      const text = `${this.sentence(8 + Math.floor(this.rand() * 30))} (${i + 1}/${count})`;
      list.push({
        ...p, author: undefined, id: i === 0 ? id : String(BigInt(id) + BigInt(i)),
        url: `https://x.com/${author.handle}/status/${i === 0 ? id : BigInt(id) + BigInt(i)}`,
        createdAt: new Date(start + i * 60_000).toISOString(), text,
        content: [{ type: 'text', text }], quote: null, replyTo: undefined,
      });
    }
    return {
      ...base, platform: 'x', id, url: list[0].url, author, posts: list, focalId: id,
      complete: true, gaps: undefined, capturedAt: new Date(start + count * 60_000 + 3600e3).toISOString(),
    };
  }
}
