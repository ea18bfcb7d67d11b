// A private sync server (UNSPOOL_CREATE_TOKEN): the options page's creation
// token field. Without the token, turning sync on is refused in words and
// nothing is created; with it, the library is made; a second device joins
// with the sync code alone; the token reaches neither the server's log nor
// the extension's storage.
// Browsers: chromium, firefox
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openProfile, startServer, until } from './library-helpers.mjs';

const TOKEN = 'private-test-token-7c2e91ab';
let srv, A, B; // B, the second device, only joins
before(async () => {
  [srv, A] = await Promise.all([startServer({ env: { UNSPOOL_CREATE_TOKEN: TOKEN } }), openProfile()]);
});
after(async () => {
  for (const p of [A, B]) await p?.close();
  await srv?.stop();
});

test('turning sync on needs the private server\'s creation token; joining does not', async () => {
  await A.page.goto(A.url('pages/options/options.html'));
  await A.page.fill('#server', srv.origin);
  await A.page.click('#enable');
  await until(async () => (await A.page.textContent('#message')).length > 0, { what: 'an error without the token' });
  assert.match(await A.page.textContent('#message'), /creation token/);
  assert.equal(await A.page.isVisible('#on'), false, 'sync stays off');

  await A.page.fill('#create-token', 'not-the-token-of-this-server');
  await A.page.click('#enable');
  await until(async () => /creation token/.test(await A.page.textContent('#message')), { what: 'an error with a wrong token' });
  assert.equal(await A.page.isVisible('#on'), false, 'sync stays off');

  await A.page.fill('#create-token', TOKEN);
  await A.page.click('#enable');
  await A.page.waitForSelector('#on:not([hidden])');
  await until(async () => /Synced/.test(await A.page.textContent('#status')), { what: 'A status says synced' });
  const stored = await A.page.evaluate(async () => JSON.stringify([
    await chrome.storage.local.get(null), await (await import('/shared/db.js')).getMeta('sync')]));
  assert.match(stored, /"server"/, 'the sync settings were read');
  assert.ok(!stored.includes(TOKEN), 'the token is not kept in the extension\'s storage');

  await A.page.click('#add-device');
  await A.page.waitForSelector('#device:not([hidden])');
  const code = (await A.page.textContent('#code-out')).trim();
  B = await openProfile();
  await B.page.goto(B.url('pages/options/options.html'));
  await B.page.fill('#server', srv.origin);
  await B.page.fill('#code-in', code);
  await B.page.click('#join');
  await B.page.waitForSelector('#on:not([hidden])');

  assert.ok(srv.log.includes('POST /v1/libraries 403'), 'the refusals reached the server');
  assert.ok(!srv.log.includes(TOKEN), 'the token is not in the server\'s log');
});
