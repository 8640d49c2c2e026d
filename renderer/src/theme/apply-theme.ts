import type { Theme } from '../../../shared/contract';

const darkQuery = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

export function resolveTheme(setting: Theme | undefined): 'light' | 'dark' {
  if (setting === 'light' || setting === 'dark') return setting;
  return darkQuery().matches ? 'dark' : 'light';
}

/**
 * Sets data-theme on <html> (the CSS variables key off it) and, for 'system', follows the OS
 * while it changes. Returns the function that stops following.
 */
export function applyTheme(setting: Theme | undefined): () => void {
  const root = document.documentElement;
  const apply = () => {
    const theme = resolveTheme(setting);
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  };
  apply();
  if (setting === 'light' || setting === 'dark') return () => {};
  const query = darkQuery();
  query.addEventListener('change', apply);
  return () => query.removeEventListener('change', apply);
}
