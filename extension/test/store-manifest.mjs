// Writes the manifest for one store from extension/manifest.json, which
// serves both browsers unpacked. Chrome's zip drops the Firefox-only keys
// (background.scripts, browser_specific_settings: the Web Store warns on
// them); Firefox's drops background.service_worker, which it ignores.
// Usage: node store-manifest.mjs chrome|firefox path/to/manifest.json
import fs from 'node:fs';

const [browser, file] = process.argv.slice(2);
const m = JSON.parse(fs.readFileSync(file, 'utf8'));
if (browser === 'chrome') {
  delete m.background.scripts;
  delete m.browser_specific_settings;
} else if (browser === 'firefox') {
  delete m.background.service_worker;
} else {
  console.error('usage: store-manifest.mjs chrome|firefox manifest.json');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
