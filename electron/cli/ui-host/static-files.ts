import fs from 'node:fs';
import path from 'node:path';

export type StaticLookup =
  { ok: true; file: string } | { ok: false; status: 400 | 404; reason: string };

/**
 * Maps a request path ("/assets/index-abc.js") to a regular file inside `root`, or says why not.
 * The path comes from anyone who can reach the port, so it is decoded once, and refused when any
 * segment is empty-dot, "..", or carries a backslash, NUL or an encoded slash; the result must
 * still lie inside `root` after symlinks are resolved. Directories are never listed.
 */
export function resolveStaticFile(root: string, urlPath: string): StaticLookup {
  if (!urlPath.startsWith('/')) return { ok: false, status: 400, reason: 'path must be absolute' };
  const rawSegments = urlPath.slice(1).split('/');
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    if (segment === '') continue;
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) {
      return { ok: false, status: 400, reason: 'path escapes the renderer folder' };
    }
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: false, status: 404, reason: 'no file named' };

  let realRoot: string;
  let real: string;
  try {
    realRoot = fs.realpathSync(root);
    real = fs.realpathSync(path.join(realRoot, ...segments));
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  if (!real.startsWith(realRoot + path.sep)) {
    return { ok: false, status: 404, reason: 'not found' };
  }
  try {
    if (!fs.statSync(real).isFile()) return { ok: false, status: 404, reason: 'not a file' };
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  return { ok: true, file: real };
}
