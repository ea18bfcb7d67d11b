// ESLint for the extension's own JavaScript (not vendor/, not generated
// files, not the build's outputs). Run from extension/:
//   npx --prefix test eslint --config test/eslint.config.mjs .
// (./build.sh test does, in test_lint_extension).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['vendor/**', '**/*.gen.js', 'wasm_exec.js', 'content.bundle.js', '**/node_modules/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.webextensions },
    },
    rules: {
      // Leaving fields out of a copy by destructuring them away
      // ({seq, ...saved}) is how this code base omits fields; `_`-named
      // bindings are kept on purpose.
      'no-unused-vars': ['error', { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
      // Control characters in regular expressions are deliberate here: file
      // names and text are stripped of them (export.js, the tests that check).
      'no-control-regex': 'off',
    },
  },
  // Tests, benchmarks' helpers and build scripts run under node.
  {
    files: ['test/**', 'icons/make-icons.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, ...globals.webextensions } },
  },
  // The Firefox driver runs some functions in the browser window itself,
  // where Firefox's privileged globals exist.
  {
    files: ['test/driver-firefox.mjs'],
    languageOptions: { globals: { Services: 'readonly', ChromeUtils: 'readonly', CustomizableUI: 'readonly', gBrowser: 'readonly', Cc: 'readonly', Ci: 'readonly', WebExtensionPolicy: 'readonly' } },
  },
];
