// A local web server for browser tests and benchmarks: HTTP on 127.0.0.1
// and HTTPS for x.com (and the twimg media hosts) through Chromium's
// --host-resolver-rules, with a throw-away self-signed certificate made by
// openssl at start and deleted at close — never committed, never trusted
// beyond the test browser (--ignore-certificate-errors).
//
// Routes are a map from "host path" (or "* path") to {body, type, csp,
// status, headers}; body and status may be functions of (url, req). A route
// with respond(url, req) instead answers what that (async) function returns,
// {status, headers, body}: an API that checks its caller, waits like a
// network, or refuses.
// Anything on the media hosts without a route of its own is answered with a
// small generated picture, so pages can use real-looking pbs.twimg.com URLs
// offline.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

// X's kind of policy, stricter where it can be: no inline script at all
// (X allows nonced ones). Inline styles are allowed as on x.com, whose DOM is
// full of style attributes; FULLY_STRICT_CSP forbids them too.
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https://pbs.twimg.com https://abs.twimg.com data: blob:",
  "media-src 'self' https://video.twimg.com blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-src 'none'",
].join('; ');
export const FULLY_STRICT_CSP = STRICT_CSP.replace("style-src 'self' 'unsafe-inline'", "style-src 'self'");

export const MEDIA_HOSTS = ['pbs.twimg.com', 'abs.twimg.com', 'video.twimg.com'];
const X_HOSTS = ['x.com', 'twitter.com'];
const PORTS = [18200, 18299];

function makeCert(dir, hosts) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const names = hosts.map((h) => `DNS:${h}`).join(',');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=x.com',
    '-addext', `subjectAltName=${names}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

// A 24-bit PNG of one colour chosen from the path, so photos differ.
function picture(seed) {
  let h = 0;
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const [w, hgt] = [64, 40];
  const raw = Buffer.alloc((w * 3 + 1) * hgt);
  for (let y = 0; y < hgt; y++) for (let x = 0; x < w; x++) raw.set([h & 255, (h >> 8) & 255, (h >> 16) & 255], y * (w * 3 + 1) + 1 + x * 3);
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (t, d) => {
    const td = Buffer.concat([Buffer.from(t), d]);
    const out = Buffer.alloc(td.length + 8);
    out.writeUInt32BE(d.length, 0); td.copy(out, 4); out.writeUInt32BE(crc(td), td.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(hgt, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function listen(server, ports) {
  for (let tries = 0; tries < 40; tries++) {
    const port = ports[0] + Math.floor(Math.random() * (ports[1] - ports[0] + 1));
    const ok = await new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${ports.join('–')}`);
}

// startServer serves routes; returns {httpPort, httpsPort, args, log, close}.
// Options: hosts — more page hosts served over HTTPS under their names;
// mediaHosts — more hosts answered with generated pictures; ports — the
// range to listen in (test files running one after another may each take
// their own).
export async function startServer(routes, { hosts = [], mediaHosts = [], ports = PORTS } = {}) {
  const pageHosts = [...X_HOSTS, ...hosts];
  const pictureHosts = [...MEDIA_HOSTS, ...mediaHosts];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-cert-'));
  const tls = makeCert(dir, [...pageHosts, ...pictureHosts]);
  fs.rmSync(dir, { recursive: true, force: true }); // the key lives in memory only
  const log = [];
  const handler = async (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url, `https://${host}`);
    log.push(`${req.method} ${host}${url.pathname}`);
    // A media host's own route (a real clip) before the generated picture.
    if (pictureHosts.includes(host) && !routes.has(`${host} ${url.pathname}`)) {
      // Readable from any origin, as the platforms' CDNs answer.
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=3600', 'access-control-allow-origin': '*' });
      res.end(picture(url.pathname));
      return;
    }
    const r = routes.get(`${host} ${url.pathname}`) ?? routes.get(`* ${url.pathname}`);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (!r) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (r.respond) {
      const out = await r.respond(url, req);
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...out.headers });
      res.end(out.body ?? '');
      return;
    }
    const body = typeof r.body === 'function' ? r.body(url, req) : r.body;
    const status = typeof r.status === 'function' ? r.status(url, req) : (r.status ?? 200);
    const headers = { 'content-type': r.type ?? 'text/html; charset=utf-8', 'cache-control': 'no-store', ...r.headers };
    if (r.csp !== null) headers['content-security-policy'] = r.csp ?? STRICT_CSP;
    res.writeHead(status, headers);
    res.end(body);
  };
  const plain = http.createServer(handler);
  const secure = https.createServer(tls, handler);
  const httpPort = await listen(plain, ports);
  const httpsPort = await listen(secure, ports);
  const hostRules = [...pageHosts, ...pictureHosts].map((h) => `MAP ${h} 127.0.0.1:${httpsPort}`).join(', ');
  return {
    httpPort,
    httpsPort,
    log,
    // Chromium flags that send x.com, the other hosts and the media hosts here.
    args: [`--host-resolver-rules=${hostRules}`, '--ignore-certificate-errors'],
    close: () => Promise.all([plain, secure].map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(r); }))),
  };
}
