// One way to start Debian's Chromium for every browser test and benchmark:
// playwright-core with the system binary (a downloaded browser is never used),
// flags that keep it quiet on a closed network, and a fresh profile per run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const executablePath = '/usr/bin/chromium';

const quietFlags = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// launch starts a persistent context (extensions need one). With
// {extension: true} the unpacked extension/ is loaded and the toolbar button
// can be pressed through CDP (--enable-unsafe-extension-debugging).
// profileDir lets a test reopen the same profile (browser restarts).
export async function launch({ extension = false, args = [], profileDir, ...options } = {}) {
  const userDataDir = profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-profile-'));
  const extArgs = extension
    ? [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, '--enable-unsafe-extension-debugging']
    : [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath, headless: true, args: [...quietFlags, ...extArgs, ...args], ...options,
  });
  return { context, userDataDir };
}
