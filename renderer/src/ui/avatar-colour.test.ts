import { describe, expect, it } from 'vitest';
import { avatarColour, avatarInitial } from './avatar-colour';

describe('avatars', () => {
  it('take the first grapheme, upper-cased', () => {
    expect(avatarInitial('  alice')).toBe('A');
    expect(avatarInitial('张伟')).toBe('张');
    expect(avatarInitial('👩‍💻 dev')).toBe('👩‍💻');
    expect(avatarInitial('')).toBe('?');
  });
  it('skip hidden characters, never showing a blank face', () => {
    expect(avatarInitial('\u202egnp.exe')).toBe('G');
    expect(avatarInitial('\u200b\u3164bob')).toBe('B');
    expect(avatarInitial('\u200b')).toBe('?');
  });
  it('keep a stable colour per key', () => {
    expect(avatarColour('10.0.0.1:2425')).toBe(avatarColour('10.0.0.1:2425'));
    expect(avatarColour('x')).toMatch(/^#[0-9a-f]{6}$/);
  });
});
