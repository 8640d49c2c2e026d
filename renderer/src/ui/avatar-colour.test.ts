import { describe, expect, it } from 'vitest';
import { avatarColour, avatarInitial } from './avatar-colour';

describe('avatars', () => {
  it('take the first grapheme, upper-cased', () => {
    expect(avatarInitial('  alice')).toBe('A');
    expect(avatarInitial('张伟')).toBe('张');
    expect(avatarInitial('👩‍💻 dev')).toBe('👩‍💻');
    expect(avatarInitial('')).toBe('?');
  });
  it('keep a stable colour per key', () => {
    expect(avatarColour('10.0.0.1:2425')).toBe(avatarColour('10.0.0.1:2425'));
    expect(avatarColour('x')).toMatch(/^#[0-9a-f]{6}$/);
  });
});
