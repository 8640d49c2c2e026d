// A local ESLint rule that keeps the layers apart, after VS Code's `code-layering` and
// `code-import-patterns` rules: every relative import (import, export ... from, import(),
// require()) is resolved to the file it names, and that file's path, relative to the repository,
// is checked against the restrictions whose `from` globs match the importing file. Resolving
// first means `../cli/args` and `../../electron/cli/args` are the same import, which a pattern
// on the import's spelling (no-restricted-imports) cannot see. Package imports are left to
// no-restricted-imports.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TRIES = ['', '.ts', '.tsx', '.mts', '.cts', '.mjs', '.cjs', '.js', '/index.ts', '/index.tsx'];

/** A glob over repository paths: `**` any number of folders, `*` part of one name, `{a,b}`. */
export function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches no folder or any number of them; a trailing `**` matches everything.
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map((alt) => alt.replace(/[.+^$()|[\]\\]/g, '\\$&'))
        .join('|')})`;
      i = end;
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const matcher = (globs) => {
  const res = (globs ?? []).map(globToRegExp);
  return (file) => res.some((re) => re.test(file));
};

const repoPath = (absolute) => path.relative(ROOT, absolute).split(path.sep).join('/');

/** The file a relative import names, as a repository path; its spelling when not on disk. */
function resolveImport(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const suffix of TRIES) {
    const candidate = base + suffix;
    try {
      if (fs.statSync(candidate).isFile()) return repoPath(candidate);
    } catch {
      /* try the next spelling */
    }
  }
  return repoPath(base);
}

const importLayers = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports between the layers of the repository in one direction.' },
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            from: { type: 'array', items: { type: 'string' } },
            except: { type: 'array', items: { type: 'string' } },
            forbid: { type: 'array', items: { type: 'string' } },
            message: { type: 'string' },
          },
          required: ['from', 'forbid', 'message'],
          additionalProperties: false,
        },
      },
    ],
    messages: { forbidden: '{{target}}: {{message}}' },
  },
  create(context) {
    const file = repoPath(context.filename);
    const rules = (context.options[0] ?? [])
      .filter((r) => matcher(r.from)(file) && !matcher(r.except)(file))
      .map((r) => ({ forbidden: matcher(r.forbid), message: r.message }));
    if (rules.length === 0) return {};

    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = resolveImport(context.filename, specifier);
      for (const rule of rules) {
        if (rule.forbidden(target)) {
          context.report({ node, messageId: 'forbidden', data: { target, message: rule.message } });
        }
      }
    };
    const literal = (node) => (node?.type === 'Literal' ? node.value : undefined);
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => check(node.source, literal(node.source)),
      // typescript-eslint 8 names the `import('x')` of a type `source`; older versions `argument`.
      TSImportType: (node) =>
        check(node, literal('source' in node ? node.source : node.argument?.literal)),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          check(node.arguments[0], literal(node.arguments[0]));
        }
      },
    };
  },
};

export default { rules: { 'import-layers': importLayers } };
