// Lint keeps the layers apart: shared/ runs anywhere (no node:, no electron, no DOM),
// the renderer never reaches Node or Electron, and only the shell may import electron values
// (no-restricted-imports, on package names); and each layer imports only the layers below it,
// production code never test or demo code (local/import-layers, on the files imports resolve to).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import local from './build/eslint/import-layers.mjs';

// Bare builtin names as exact paths: as patterns they would also match a folder of ours that
// happens to share the name (shared/net).
const nodeBuiltins = {
  paths: ['fs', 'fs/promises', 'path', 'os', 'dgram', 'net', 'child_process', 'crypto'],
  patterns: ['node:*'],
};

// What never ships: tests, test doubles, the end-to-end suites and the renderer's demo.
const testAndDemo = [
  '**/*.test.{ts,tsx}',
  '**/testing/**',
  '**/test/**',
  'e2e/**',
  'renderer/src/demo/**',
];
const production = ['shared/**', 'electron/**', 'renderer/src/**'];

const layers = [
  {
    from: production,
    except: testAndDemo,
    forbid: testAndDemo,
    message: 'production code never imports tests, test doubles or the demo',
  },
  {
    from: ['shared/**'],
    forbid: ['electron/**', 'renderer/**', 'build/**', 'e2e/**'],
    message: 'shared/ imports only shared/',
  },
  {
    from: ['electron/main/**', 'electron/preload/**'],
    forbid: ['electron/cli/**', 'electron/browser-host/**'],
    message: 'the Electron shell never imports the CLI or the browser host',
  },
  {
    from: ['electron/cli/**'],
    forbid: ['electron/main/**', 'electron/preload/**'],
    message: 'the CLI never imports the Electron shell (it may use electron/browser-host)',
  },
  {
    from: ['electron/browser-host/**'],
    forbid: ['electron/main/**', 'electron/preload/**', 'electron/cli/**'],
    message: 'the browser host never imports the Electron shell or the CLI',
  },
  {
    from: ['electron/engine/**'],
    forbid: [
      'electron/cli/**',
      'electron/browser-host/**',
      'electron/main/**',
      'electron/preload/**',
      'electron/renderer-serving/**',
    ],
    message: 'the engine never imports its hosts',
  },
  {
    from: ['electron/renderer-serving/**'],
    forbid: [
      'electron/main/**',
      'electron/preload/**',
      'electron/cli/**',
      'electron/browser-host/**',
      'electron/engine/**',
    ],
    message: 'electron/renderer-serving serves files for every host and imports none of them',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'e2e/artifacts/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    plugins: { local },
    rules: { 'local/import-layers': ['error', layers] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.paths,
          patterns: [...nodeBuiltins.patterns, 'electron', 'react', 'react-dom'],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.paths,
          patterns: [...nodeBuiltins.patterns, 'electron', '**/electron/**'],
        },
      ],
    },
  },
  {
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts', 'electron/browser-host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'The engine and CLI never import Electron.' }] },
      ],
    },
  },
  {
    files: ['**/*.cjs', '**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
