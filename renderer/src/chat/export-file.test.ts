import { describe, expect, it } from 'vitest';
import { exportFileName } from './export-file';

const day = new Date(2026, 11, 7, 23, 59);

describe('exportFileName', () => {
  it('names the peer, the local day and the format', () => {
    expect(exportFileName('Bob', 'html', day)).toBe('pigeon-Bob-2026-12-07.html');
    expect(exportFileName('张伟', 'text', day)).toBe('pigeon-张伟-2026-12-07.txt');
    expect(exportFileName('Bob', 'json', day)).toBe('pigeon-Bob-2026-12-07.json');
  });

  it('keeps a hostile nick from turning the name around or leaving the folder', () => {
    expect(exportFileName('evil\u202Elmth.exe', 'html', day)).toBe(
      'pigeon-evil-lmth.exe-2026-12-07.html',
    );
    expect(exportFileName('../../etc/passwd', 'text', day)).toBe(
      'pigeon-etc-passwd-2026-12-07.txt',
    );
    expect(exportFileName('a\u0000b\nc:d', 'text', day)).toBe('pigeon-a-b-c-d-2026-12-07.txt');
    expect(exportFileName('.hidden', 'json', day)).toBe('pigeon-hidden-2026-12-07.json');
  });

  it('falls back to a word when nothing of the nick is left, and caps a long one', () => {
    expect(exportFileName('\u200B\u202E', 'text', day)).toBe('pigeon-conversation-2026-12-07.txt');
    expect(exportFileName('x'.repeat(500), 'text', day)).toBe(
      `pigeon-${'x'.repeat(40)}-2026-12-07.txt`,
    );
  });
});
