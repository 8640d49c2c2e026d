// Lint keeps the layers apart: shared/ runs anywhere (no node:, no electron, no DOM),
// the renderer never reaches Node or Electron, and only the shell may import electron values.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Bare builtin names as exact paths: as patterns they would also match a folder of ours that
// happens to share the name (shared/net).
const nodeBuiltins = {
  paths: ['fs', 'fs/promises', 'path', 'os', 'dgram', 'net', 'child_process', 'crypto'],
  patterns: ['node:*'],
};

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
