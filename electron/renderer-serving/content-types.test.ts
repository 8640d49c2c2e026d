import { describe, expect, it } from 'vitest';
import { contentTypeOf } from './content-types';

describe('contentTypeOf', () => {
  it('knows what vite emits and serves the rest as opaque bytes', () => {
    expect(contentTypeOf('/a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('x.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('pigeon.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('notes')).toBe('application/octet-stream');
    expect(contentTypeOf('x.exe')).toBe('application/octet-stream');
  });
});
