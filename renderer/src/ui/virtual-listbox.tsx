import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import './virtual-listbox.css';

interface VirtualListboxProps<T> {
  items: readonly T[];
  getKey: (item: T) => string;
  /** Row height in px; rows have fixed heights so scrolling 1,000+ rows stays cheap. */
  rowHeight: (item: T) => number;
  renderItem: (item: T, state: { active: boolean; selected: boolean }) => ReactNode;
  onActivate: (item: T) => void;
  selectedKey: string | null;
  label: string;
  /** Extra props for an option, e.g. the name of a group header. */
  optionProps?: (item: T) => Record<string, string | boolean | undefined>;
  /** 'fill' takes the remaining height; 'fit' is as tall as its rows. */
  layout?: 'fill' | 'fit';
}

/**
 * A virtualised listbox: one tab stop, arrows/Home/End/PageUp/PageDown move the active row,
 * Enter or Space activates it. The active row is announced with aria-activedescendant.
 */
export function VirtualListbox<T>(props: VirtualListboxProps<T>) {
  const { items, getKey, rowHeight, renderItem, onActivate, selectedKey, label, optionProps } =
    props;
  const layout = props.layout ?? 'fill';
  const scrollRef = useRef<HTMLDivElement>(null);
  const baseId = useId();
  const [activeKey, setActiveKey] = useState<string | null>(null);

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => rowHeight(items[i] as T),
    getItemKey: (i) => getKey(items[i] as T),
    overscan: 8,
  });

  const keys = items.map(getKey);
  const activeIndex = activeKey === null ? -1 : keys.indexOf(activeKey);

  useEffect(() => {
    // Rows change height when groups collapse; re-measure from the new estimates.
    virtualizer.measure();
  }, [items, virtualizer]);

  function moveTo(index: number) {
    const clamped = Math.max(0, Math.min(items.length - 1, index));
    const item = items[clamped];
    if (item === undefined) return;
    setActiveKey(getKey(item));
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const current = activeIndex >= 0 ? activeIndex : keys.indexOf(selectedKey ?? '');
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / 52));
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current < 0 ? 0 : current - 1,
      Home: 0,
      End: items.length - 1,
      PageDown: current + page,
      PageUp: current - page,
    };
    const target = moves[e.key];
    if (target !== undefined) {
      e.preventDefault();
      moveTo(target);
    } else if ((e.key === 'Enter' || e.key === ' ') && current >= 0) {
      e.preventDefault();
      const item = items[current];
      if (item !== undefined) onActivate(item);
    }
  }

  const optionId = (key: string) => `${baseId}-${keys.indexOf(key)}`;

  return (
    <div
      ref={scrollRef}
      className={`vlist vlist-${layout}`}
      role="listbox"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={activeIndex >= 0 ? optionId(activeKey ?? '') : undefined}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (activeIndex < 0 && items.length) {
          const sel = keys.indexOf(selectedKey ?? '');
          setActiveKey(keys[sel >= 0 ? sel : 0] ?? null);
        }
      }}
      onBlur={() => setActiveKey(null)}
    >
      <div className="vlist-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index] as T;
          const key = getKey(item);
          const selected = key === selectedKey;
          const active = key === activeKey;
          return (
            <div
              key={row.key}
              id={`${baseId}-${row.index}`}
              role="option"
              aria-selected={selected}
              aria-setsize={items.length}
              aria-posinset={row.index + 1}
              className={`vlist-row${selected ? ' is-selected' : ''}${active ? ' is-active' : ''}`}
              style={{ height: row.size, transform: `translateY(${row.start}px)` }}
              onClick={() => {
                setActiveKey(key);
                onActivate(item);
              }}
              {...optionProps?.(item)}
            >
              {renderItem(item, { active, selected })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
