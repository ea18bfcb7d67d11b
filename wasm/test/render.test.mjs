// The render and export API as the extension calls it: JSON in, strings out,
// JS Errors with clear messages for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadUnspool, root } from './load.mjs';

const made = path.join(root, 'shared/render/testdata/made');
const threadJSON = fs.readFileSync(path.join(made, 'x-search-rebuild/thread.json'), 'utf8');
const golden = (name) => fs.readFileSync(path.join(made, 'x-search-rebuild', name), 'utf8');

test('render gives a shadow-root fragment: <style> then the reader root with its <article>', async () => {
  const unspool = await loadUnspool();
  const html = unspool.render(threadJSON, '{}');
  assert.match(html, /^<style>:host\{/);
  assert.match(html, /<\/style><div class="unspool" data-theme="auto" data-size="medium" data-width="medium" data-font="serif"><article /);
  assert.doesNotMatch(html, /<html[\s>]|<head>|<!doctype/i);
  // The same reader the Go goldens pin (they keep one block per line).
  assert.equal(html.slice(html.indexOf('</style>') + 8), golden('expected.html').replaceAll('\n', ''));
});

test('render options: settings as data attributes, standalone document, errors named', async () => {
  const unspool = await loadUnspool();
  const html = unspool.render(threadJSON, JSON.stringify({ theme: 'sepia', fontSize: 'large', width: 'wide', font: 'sans' }));
  assert.match(html, /<div class="unspool" data-theme="sepia" data-size="large" data-width="wide" data-font="sans">/);
  assert.equal(unspool.render(threadJSON), unspool.render(threadJSON, 'null'), 'options are optional');
  const doc = unspool.render(threadJSON, '{"standalone":true}');
  assert.match(doc, /^<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">/);
  assert.match(doc, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-/);
  assert.throws(() => unspool.render(threadJSON, '{"theme":"neon"}'), /theme "neon" is not one of auto, light, dark, sepia/);
  assert.throws(() => unspool.render(threadJSON, '{"colour":"red"}'), /unknown field "colour"/);
  assert.throws(() => unspool.render('{', '{}'), (e) => e instanceof Error && /thread JSON/.test(e.message));
  assert.throws(() => unspool.render('{"platform":"x"}'), /thread has no id/);
  assert.throws(() => unspool.render(1), /takes a JSON string/);
});

test('export formats match the Go goldens; md and txt are aliases', async () => {
  const unspool = await loadUnspool();
  assert.equal(unspool.export(threadJSON, 'markdown'), golden('expected.md'));
  assert.equal(unspool.export(threadJSON, 'md'), golden('expected.md'));
  assert.equal(unspool.export(threadJSON, 'text'), golden('expected.txt'));
  assert.equal(unspool.export(threadJSON, 'txt'), golden('expected.txt'));
  assert.deepEqual(JSON.parse(unspool.export(threadJSON, 'json')), JSON.parse(threadJSON));
  const html = unspool.export(threadJSON, 'html');
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes('<title>Mara Okafor (@mara_builds): We rebuilt our search'));
  assert.throws(() => unspool.export(threadJSON, 'pdf'), /export format "pdf" is not one of html, markdown \(md\), text \(txt\), json/);
  assert.throws(() => unspool.export(threadJSON), /takes two strings/);
  assert.match(unspool.export(threadJSON, 'html', '{"theme":"sepia","font":"sans"}'), /<div class="unspool" data-theme="sepia" data-size="medium" data-width="medium" data-font="sans">/);
  assert.throws(() => unspool.export(threadJSON, 'html', '{"theme":"neon"}'), /theme "neon"/);
});

test('every made thread: the WASM writes exactly what the native goldens hold', async () => {
  const unspool = await loadUnspool();
  const cases = fs.readdirSync(made).filter((c) => fs.existsSync(path.join(made, c, 'thread.json')));
  assert.ok(cases.length >= 5);
  for (const c of cases) {
    const json = fs.readFileSync(path.join(made, c, 'thread.json'), 'utf8');
    const want = (f) => fs.readFileSync(path.join(made, c, f), 'utf8');
    assert.equal(unspool.export(json, 'md'), want('expected.md'), `${c} markdown`);
    assert.equal(unspool.export(json, 'txt'), want('expected.txt'), `${c} text`);
    // The options a case renders with (options.json, as the Go golden test reads it).
    const options = fs.existsSync(path.join(made, c, 'options.json')) ? want('options.json') : undefined;
    const html = unspool.render(json, options);
    assert.equal(html.slice(html.indexOf('</style>') + 8), want('expected.html').replaceAll('\n', ''), `${c} html`);
  }
});

test('calls with different threads in turn each get their own thread (the decoded-thread cache)', async () => {
  const unspool = await loadUnspool();
  const a = fs.readFileSync(path.join(made, 'x-search-rebuild/thread.json'), 'utf8');
  const b = fs.readFileSync(path.join(made, 'bluesky-rtl/thread.json'), 'utf8');
  const want = (c) => fs.readFileSync(path.join(made, c, 'expected.txt'), 'utf8');
  for (const [json, c] of [[a, 'x-search-rebuild'], [a, 'x-search-rebuild'], [b, 'bluesky-rtl'], [a, 'x-search-rebuild'], [b, 'bluesky-rtl']]) {
    assert.equal(unspool.export(json, 'text'), want(c), c);
  }
  // A bad thread after a good one is still refused.
  assert.throws(() => unspool.export(a.replace('"id": "1790000000000000100"', '"id": ""'), 'text'), /no id/);
  assert.equal(unspool.export(a, 'text'), want('x-search-rebuild'));
});

test('hostile thread: rendered without any script or event handler', async () => {
  const unspool = await loadUnspool();
  const hostile = fs.readFileSync(path.join(made, 'hostile/thread.json'), 'utf8');
  for (const html of [unspool.render(hostile, '{}'), unspool.render(hostile, '{"standalone":true}')]) {
    // Text keeps the payloads, escaped; no tag or URL attribute carries them.
    // (Parsed checks: safety_test.go in Go, extension/test/render.test.mjs in Chromium.)
    assert.doesNotMatch(html, /<(script|iframe|svg|object|embed)/i);
    assert.doesNotMatch(html, /\s(href|src|cite|poster)="\s*(javascript|data|vbscript):/i);
    assert.ok(html.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;'), 'payload shown as text');
  }
});
