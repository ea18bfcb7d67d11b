// @ts-check
// The options page: sync settings. Every action is a message to the
// background worker, where the sync client runs (it must keep running
// when this page is closed); the page only shows the answers in words.

import qrcode from '../../vendor/qrcode-generator.mjs';
import { askConsent, CONSENT_REFUSED, CONSENT_WITHDRAWN } from '../../shared/data-consent.js';

// This page's own elements by id (inputs, buttons, templates: each used as
// what it is).
/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const DEFAULT_SERVER = 'http://127.0.0.1:8787';

async function send(type, payload = {}) {
  const res = await chrome.runtime.sendMessage({ type, ...payload });
  if (!res?.ok) throw new Error(res?.error ?? 'The extension did not answer.');
  return res.value;
}

function ago(ms) {
  const s = Math.round((Date.now() - ms) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} seconds ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} hour${h === 1 ? '' : 's'} ago`;
  return new Date(ms).toLocaleDateString();
}

// describe turns the sync client's state into one or two plain sentences.
export function describe(st) {
  if (!st.on) return 'Sync is off. Your library is only on this device.';
  const parts = [];
  parts.push(st.lastSync ? `Synced ${ago(st.lastSync)}.` : 'Not synced yet.');
  if (st.pending) parts.push(`${st.pending} change${st.pending === 1 ? '' : 's'} waiting to be sent.`);
  else if (st.lastSync) parts.push('Everything is up to date.');
  if (st.tooLarge) parts.push(`${st.tooLarge} saved thread${st.tooLarge === 1 ? ' is' : 's are'} too large for the sync server and ${st.tooLarge === 1 ? 'stays' : 'stay'} on this device only.`);
  if (st.unreadable) parts.push(`${st.unreadable} saved thread${st.unreadable === 1 ? '' : 's'} on the server could not be decrypted here and ${st.unreadable === 1 ? 'was' : 'were'} skipped.`);
  if (st.rolledBack) {
    parts.push(`The sync server lost or rolled back part of your library (${ago(st.rolledBackAt)}: ${st.rolledBack} saved thread${st.rolledBack === 1 ? '' : 's'} older than it had confirmed, or missing). This device sent its copies again; open Unspool on your other devices so they send theirs.`);
  }
  if (st.withheld) {
    parts.push(`The sync server withheld ${st.withheld} saved thread${st.withheld === 1 ? '' : 's'} your other devices sent it (${ago(st.withheldAt)}: missing here, or only an older copy, even after fetching the whole library again). It lost or is hiding them; the device that saved them still has them.`);
  }
  if (st.lastError) {
    parts.push(st.lastError);
    if (st.nextTry > Date.now()) {
      const m = Math.max(1, Math.round((st.nextTry - Date.now()) / 60000));
      parts.push(`Next try in about ${m} minute${m === 1 ? '' : 's'}.`);
    }
  }
  return parts.join(' ');
}

function showQR(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `-2 -2 ${n + 4} ${n + 4}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('role', 'img');
  let d = '';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c} ${r}h1v1h-1z`;
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(path);
  $('qr').replaceChildren(svg);
}

let current;
async function refresh() {
  try {
    current = await send('sync:status');
  } catch (e) {
    $('status').textContent = `The extension's background did not answer: ${e.message}`;
    return;
  }
  $('status').textContent = describe(current);
  $('status').classList.toggle('error', !!current.lastError);
  $('on').hidden = !current.on;
  $('off').hidden = current.on;
  if (!current.on) $('device').hidden = true;
  if (!$('server').value) $('server').value = current.server || DEFAULT_SERVER;
}

// act runs one action, with the buttons disabled meanwhile, and shows its
// error in words.
async function act(fn) {
  $('message').textContent = '';
  const buttons = [...document.querySelectorAll('button')];
  buttons.forEach((b) => { b.disabled = true; });
  try { await fn(); } catch (e) { $('message').textContent = e.message; } finally {
    buttons.forEach((b) => { b.disabled = false; });
    await refresh();
  }
}

// Firefox asks for the consent to send data on the press itself (see
// data-consent.js), before anything else is awaited.
$('enable').addEventListener('click', () => act(async () => {
  if (!(await askConsent())) throw new Error(CONSENT_REFUSED);
  await send('sync:enable', { server: $('server').value.trim(), createToken: $('create-token').value.trim() });
  $('create-token').value = ''; // used once: not left in the page
}));
$('join').addEventListener('click', () => act(async () => {
  if (!(await askConsent())) throw new Error(CONSENT_REFUSED);
  await send('sync:join', { server: $('server').value.trim(), code: $('code-in').value });
  $('code-in').value = '';
}));
$('now').addEventListener('click', () => act(async () => {
  if (!(await askConsent())) throw new Error(CONSENT_WITHDRAWN);
  await send('sync:now');
}));
$('disable').addEventListener('click', () => act(async () => {
  if (!confirm('Turn off sync on this device? Your library stays here and on the server.')) return;
  await send('sync:disable');
}));
$('delete-remote').addEventListener('click', () => act(async () => {
  if (!confirm('Delete your library from the sync server? Your other devices stop syncing. The library on this device is kept.')) return;
  await send('sync:delete-remote');
}));
$('add-device').addEventListener('click', () => act(async () => {
  const { code, server } = await send('sync:code');
  $('code-out').textContent = code;
  $('code-server').textContent = server;
  showQR(code);
  $('device').hidden = false;
}));
$('copy').addEventListener('click', () => navigator.clipboard.writeText($('code-out').textContent));

refresh();
// The status line follows the background's syncs while the page is open.
setInterval(refresh, 5000);
document.documentElement.dataset.ready = '1';
