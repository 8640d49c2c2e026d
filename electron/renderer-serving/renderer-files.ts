// node:fs rather than node:fs/promises: Electron's asar support patches fs in place, and the
// packaged renderer lives inside app.asar.
import fs from 'node:fs';
import path from 'node:path';

export type FileLookup =
  { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * The one way to turn a request path into a file of the built renderer, used by both of its
 * hosts: the desktop app's app:// protocol and the CLI's browser host (`pigeon serve --ui`),
 * where the path comes from anyone who can reach the port.
 *
 * The path is split on '/' and each segment decoded once. A segment may not be `.` or `..`,
 * may not smuggle a separator (`%2f`, `%5c`), a NUL or a ':' (drive letters, NTFS streams);
 * empty segments (`//`) are skipped, never joined into an absolute path. Finally the real
 * path (symlinks resolved) must still lie under the real root, so a link inside the build
 * cannot lead out, and it must be a regular file: folders are never listed.
 */
export function resolveRendererFile(root: string, pathname: string): FileLookup {
  if (!pathname.startsWith('/')) return { ok: false, status: 400, reason: 'path must be absolute' };
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    if (segment === '') continue;
    if (!isPlainSegment(segment)) {
      return { ok: false, status: 403, reason: 'path escapes the build' };
    }
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: false, status: 404, reason: 'no file named' };

  const candidate = path.resolve(root, ...segments);
  if (!isInside(path.resolve(root), candidate)) {
    return { ok: false, status: 403, reason: 'path escapes the build' };
  }
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = fs.realpathSync(root);
    realFile = fs.realpathSync(candidate);
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  if (!isInside(realRoot, realFile)) {
    return { ok: false, status: 403, reason: 'path escapes the build' };
  }
  try {
    if (!fs.statSync(realFile).isFile()) return { ok: false, status: 404, reason: 'not a file' };
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  return { ok: true, file: realFile };
}

function isPlainSegment(segment: string): boolean {
  if (segment === '.' || segment === '..') return false;
  // Separators of either platform, NUL, and ':' never occur in our build.
  return !/[/\\\0:]/.test(segment);
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
