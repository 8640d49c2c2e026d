import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRendererFile } from './renderer-files';

let base: string;
let root: string;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-static-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(root, 'assets', 'app 1.js'), 'x');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'not for the browser');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link.txt'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('resolveRendererFile (both hosts: app:// and the browser host)', () => {
  it('finds files inside the renderer folder, percent-decoded', () => {
    expect(resolveRendererFile(root, '/index.html')).toEqual({
      ok: true,
      file: fs.realpathSync(path.join(root, 'index.html')),
    });
    expect(resolveRendererFile(root, '/assets/app%201.js')).toMatchObject({ ok: true });
    expect(resolveRendererFile(root, '//assets//app%201.js')).toMatchObject({ ok: true });
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2e%2e/etc/passwd',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/index.html%00.png',
    '/./index.html',
    '/C:/Windows/win.ini',
    '/index.html:stream',
  ])('refuses %s', (p) => {
    expect(resolveRendererFile(root, p)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses what is not a regular file inside the folder', () => {
    expect(resolveRendererFile(root, '/')).toMatchObject({ ok: false, status: 404 });
    expect(resolveRendererFile(root, '/assets')).toMatchObject({ ok: false, status: 404 });
    expect(resolveRendererFile(root, '/missing.js')).toMatchObject({ ok: false, status: 404 });
    // A symlink pointing outside is followed, found outside, and refused.
    expect(resolveRendererFile(root, '/link.txt')).toMatchObject({ ok: false, status: 403 });
    expect(resolveRendererFile(root, 'index.html')).toMatchObject({ ok: false, status: 400 });
    expect(resolveRendererFile(root, '/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
  });
});
