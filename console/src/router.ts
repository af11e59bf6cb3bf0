// Two pages, addressed by path (console-server answers index.html for both):
// a tiny router on the History API instead of a routing library.

import { useSyncExternalStore } from 'react';

export type Page = 'board' | 'operations';

const PATHS: Record<Page, string> = { board: '/', operations: '/operations' };

function pageOf(pathname: string): Page {
  return pathname.replace(/\/+$/, '') === '/operations' ? 'operations' : 'board';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

export function usePage(): Page {
  return useSyncExternalStore(subscribe, () => pageOf(window.location.pathname));
}

export function hrefOf(page: Page): string {
  return PATHS[page];
}

export function navigate(page: Page): void {
  if (pageOf(window.location.pathname) === page) return;
  window.history.pushState(null, '', PATHS[page]);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
