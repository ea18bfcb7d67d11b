// Draws the toolbar icon (a spool: a disc with thread wound round it) at the
// sizes the manifest names, as PNGs, with no image tooling beyond Node's zlib.
// Run: node extension/icons/make-icons.mjs (the PNGs are committed; this is
// kept so they can be redrawn, and is left out of the store zips).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel((x + 0.5) / size, (y + 0.5) / size), 1 + x * 4);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Coordinates are 0..1. A dark rounded square, a light spool body and
// diagonal thread lines across it, then a loose end trailing off.
function pixel(x, y) {
  const bg = [32, 38, 52, 255], spool = [240, 236, 226, 255], thread = [224, 92, 62, 255];
  const r = 0.2, dx = Math.max(Math.abs(x - 0.5) - (0.5 - r), 0), dy = Math.max(Math.abs(y - 0.5) - (0.5 - r), 0);
  if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
  const inBody = Math.abs(x - 0.5) < 0.26 && Math.abs(y - 0.5) < 0.3;
  const flange = Math.abs(x - 0.5) < 0.34 && (Math.abs(y - 0.22) < 0.05 || Math.abs(y - 0.78) < 0.05);
  if (flange) return spool;
  if (inBody) return Math.floor((y - 0.2) * 10) % 2 === 0 ? thread : spool;
  if (x > 0.74 && Math.abs(y - (0.6 + (x - 0.74) * 0.8)) < 0.035) return thread;
  return bg;
}

for (const size of [16, 32, 48, 128]) fs.writeFileSync(path.join(dir, `icon-${size}.png`), png(size, pixel));
