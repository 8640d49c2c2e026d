import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { createPortal } from 'react-dom';
import './menu.css';

export interface MenuItem {
  key: string;
  label: string;
  /** A second, quieter line (what the action means). */
  hint?: string;
  icon?: ReactNode;
  danger?: boolean;
  onSelect: () => void;
}

/** Where the menu opens: below an element (a button), or at the pointer (a right-click). */
export type MenuAnchor = { element: HTMLElement } | { x: number; y: number };

const MARGIN = 8;

/**
 * A popup menu (WAI-ARIA menu pattern): focus moves to its first item, the arrows, Home and End
 * move between items, Enter or Space chooses one, Escape closes it and gives focus back to the
 * element that had it, Tab closes it and moves on. Drawn in a portal on the body (the message
 * rows are transformed, which would clip and misplace a fixed element inside them).
 */
export function Menu({
  label,
  items,
  anchor,
  onClose,
}: {
  label: string;
  items: readonly MenuItem[];
  anchor: MenuAnchor;
  /** `refocus`: give focus back to the opener (not when Tab or a click moved it on). */
  onClose: (refocus: boolean) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);

  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu) return;
    const { width, height } = menu.getBoundingClientRect();
    let left: number;
    let top: number;
    if ('element' in anchor) {
      const r = anchor.element.getBoundingClientRect();
      // Opens towards the side with room: from the button's start, or back from its end.
      left = r.left + width <= window.innerWidth - MARGIN ? r.left : r.right - width;
      top = r.bottom + 4;
      if (top + height > window.innerHeight - MARGIN) top = r.top - height - 4;
    } else {
      ({ x: left, y: top } = anchor);
      if (top + height > window.innerHeight - MARGIN) top -= height;
    }
    left = Math.min(Math.max(MARGIN, left), window.innerWidth - width - MARGIN);
    top = Math.min(Math.max(MARGIN, top), window.innerHeight - height - MARGIN);
    setPlace({ left, top });
  }, [anchor]);
  // Once placed: hidden while it was measured, it could not take focus before.
  const placed = place !== null;
  useLayoutEffect(() => {
    if (placed) ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [placed]);

  // A press anywhere else, a scroll or a resize closes it (it would stay behind, misplaced).
  useEffect(() => {
    const outside = (e: Event) => {
      const target = e.target as Node;
      // The opener toggles the menu itself, on its click.
      if ('element' in anchor && anchor.element.contains(target)) return;
      if (!ref.current?.contains(target)) onClose(false);
    };
    const away = () => onClose(false);
    document.addEventListener('pointerdown', outside, true);
    document.addEventListener('scroll', outside, true);
    window.addEventListener('resize', away);
    window.addEventListener('blur', away);
    return () => {
      document.removeEventListener('pointerdown', outside, true);
      document.removeEventListener('scroll', outside, true);
      window.removeEventListener('resize', away);
      window.removeEventListener('blur', away);
    };
  }, [anchor, onClose]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const stops = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = stops.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => stops[(i + stops.length) % stops.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        go(at + 1);
        break;
      case 'ArrowUp':
        go(at - 1);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(stops.length - 1);
        break;
      case 'Escape':
        onClose(true);
        break;
      case 'Tab':
        onClose(true);
        return;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return createPortal(
    <div
      ref={ref}
      className="menu"
      role="menu"
      aria-label={label}
      style={place ? { left: place.left, top: place.top } : { visibility: 'hidden' }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item) => (
        <button
          key={item.key}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={`menu-item${item.danger ? ' menu-item-danger' : ''}`}
          onClick={() => {
            onClose(true);
            item.onSelect();
          }}
        >
          <span className="menu-item-icon">{item.icon}</span>
          <span className="menu-item-text">
            <span>{item.label}</span>
            {item.hint && <span className="menu-item-hint">{item.hint}</span>}
          </span>
        </button>
      ))}
    </div>,
    document.body,
  );
}
