// Hybrid logical clock stamps for local edits, in the text form of
// shared/sync's HLC ("wwwwwwwwwwww.cccc.device": 12 hex digits of wall
// milliseconds, 4 of counter, the device id), which sorts as strings in
// clock order. next() is the same step as Go's NextHLC: a stamp is always
// later than every stamp this device made or saw, even when the wall clock
// goes back, so the order of one device's edits never inverts and an edit
// made after seeing another device's change is ordered after it.
//
// It lives in JS (not a WASM call) because the library stamps edits inside
// an IndexedDB transaction, reading and writing the last stamp in the same
// transaction as the record, so two contexts never issue the same stamp.

function parse(stamp) {
  return { ms: parseInt(stamp.slice(0, 12), 16), c: parseInt(stamp.slice(13, 17), 16) };
}

function format(ms, c, device) {
  return `${ms.toString(16).padStart(12, '0')}.${c.toString(16).padStart(4, '0')}.${device}`;
}

// next returns the stamp after last ('' when the device has none yet).
export function next(last, device, nowMS = Date.now()) {
  if (!last) return format(nowMS, 0, device);
  const prev = parse(last);
  if (nowMS > prev.ms) return format(nowMS, 0, device);
  // A full counter borrows the next millisecond rather than wrap.
  if (prev.c >= 0xffff) return format(prev.ms + 1, 0, device);
  return format(prev.ms, prev.c + 1, device);
}

// later returns the greater of two stamps.
export function later(a, b) { return (a ?? '') >= (b ?? '') ? a ?? '' : b; }

// maxClock is the greatest stamp in a SavedThread's clocks (Go's MaxClock):
// the device observes it when it receives the record.
export function maxClock(rec) {
  const c = rec?.clocks ?? {};
  let m = '';
  for (const v of [c.thread, c.note, c.readPosition, c.deleted]) m = later(m, v);
  for (const v of Object.values(c.posts ?? {})) m = later(m, v);
  for (const v of Object.values(c.tags ?? {})) m = later(m, v);
  return m;
}

// newDeviceId draws 64 random bits as unpadded base64url, like
// sync.NewDeviceID (11 characters of [A-Za-z0-9_-]).
export function newDeviceId() {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
