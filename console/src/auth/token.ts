// Where the bearer token lives: this tab's sessionStorage only (gone when the
// tab closes, never shared with other sites, never in a cookie), handed over
// in the URL fragment by scripts/up.sh (a fragment never reaches a server).

const STORAGE_KEY = 'console.token';

export interface Claims {
  sub?: string;
  tenant_id?: string;
  scope?: string;
  exp?: number;
}

/** Moves `#token=...` from the address bar into session storage. */
export function takeTokenFromFragment(): void {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = fragment.get('token');
  if (!token) return;
  storeToken(token);
  fragment.delete('token');
  const rest = fragment.toString();
  const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
  window.history.replaceState(null, '', url);
}

export function storedToken(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, token.trim());
  } catch {
    // Storage refused (private mode): the token then lives in memory only.
  }
}

export function forgetToken(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}

/**
 * The token's claims, read without verifying: only to show who is signed in
 * and which pages make sense. The services verify every request.
 */
export function claimsOf(token: string): Claims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as unknown;
    return typeof claims === 'object' && claims !== null ? claims : null;
  } catch {
    return null;
  }
}

export function scopesOf(claims: Claims | null): string[] {
  return (claims?.scope ?? '').split(' ').filter(Boolean);
}
