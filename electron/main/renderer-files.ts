// node:fs rather than node:fs/promises: Electron's asar support patches fs.promises in place,
// and the packaged renderer lives inside app.asar.
import fs from 'node:fs';
import path from 'node:path';
import { isAppUrl } from './app-origin';

export type FileLookup =
  { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps an app:// URL to a file inside `root` (the built renderer), or says why not.
 *
 * The URL parser already folds `..` and `%2e%2e` segments, but the file system is the last line
 * of defence, so every check is repeated on the decoded segments: a segment may not be `.` or
 * `..`, may not smuggle a separator (`%2f`, `%5c`), a NUL or a drive letter, and may not be
 * empty (`//etc/passwd` would otherwise become absolute). Finally the real path (symlinks
 * resolved) must still lie under the real root, so a link inside the build cannot lead out.
 */
export async function lookupRendererFile(root: string, url: string): Promise<FileLookup> {
  if (!isAppUrl(url)) return { ok: false, status: 403, reason: 'not the app origin' };
  const pathname = new URL(url).pathname;
  const rawSegments =
    pathname === '' || pathname === '/' ? ['index.html'] : pathname.split('/').slice(1);

  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    if (!isPlainSegment(segment))
      return { ok: false, status: 403, reason: 'path escapes the build' };
    segments.push(segment);
  }

  const candidate = path.resolve(root, ...segments);
  if (!isInside(path.resolve(root), candidate)) {
    return { ok: false, status: 403, reason: 'path escapes the build' };
  }

  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await fs.promises.realpath(root);
    realFile = await fs.promises.realpath(candidate);
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  if (!isInside(realRoot, realFile)) {
    return { ok: false, status: 403, reason: 'path escapes the build' };
  }
  const stat = await fs.promises.stat(realFile);
  if (!stat.isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, file: realFile };
}

function isPlainSegment(segment: string): boolean {
  if (segment === '' || segment === '.' || segment === '..') return false;
  // Separators of either platform, NUL, and ':' (C:, NTFS streams) never occur in our build.
  return !/[/\\\0:]/.test(segment);
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
