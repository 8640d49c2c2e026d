import type { CSSProperties } from 'react';
import { avatarColour, avatarInitial } from './avatar-colour';
import './avatar.css';

interface AvatarProps {
  /** What the colour is keyed on: the peer id, so a rename keeps the colour. */
  colourKey: string;
  nick: string;
  size?: 'sm' | 'md' | 'lg';
  /** Shows a presence dot. */
  presence?: 'online' | 'away' | 'offline';
}

export function Avatar({ colourKey, nick, size = 'md', presence }: AvatarProps) {
  // React applies style through the CSSOM, which the CSP's style-src 'self' allows.
  const style = { '--avatar-bg': avatarColour(colourKey) } as CSSProperties;
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true">
      <span className="avatar-face" style={style}>
        {avatarInitial(nick)}
      </span>
      {presence && <span className={`avatar-presence presence-${presence}`} />}
    </span>
  );
}
