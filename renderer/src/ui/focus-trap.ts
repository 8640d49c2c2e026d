const TABBABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'summary',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements inside `root` that Tab visits, in document order (hidden ones left out). */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (el) => el.tabIndex >= 0 && el.getClientRects().length > 0 && !el.closest('[inert]'),
  );
}

/**
 * Keeps Tab and Shift+Tab inside `root`: from the last stop Tab goes to the first, from the first
 * Shift+Tab to the last. A native modal <dialog> makes the page behind it inert, but Tab from its
 * last control still leaves the page (to the browser's own UI), so a keyboard user loses focus.
 */
export function wrapTab(
  e: { key: string; shiftKey: boolean; preventDefault(): void },
  root: HTMLElement,
): void {
  if (e.key !== 'Tab') return;
  const stops = tabbables(root);
  const first = stops[0];
  const last = stops[stops.length - 1];
  if (!first || !last) {
    e.preventDefault();
    return;
  }
  const active = root.ownerDocument.activeElement;
  if (e.shiftKey && (active === first || !root.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !root.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}
