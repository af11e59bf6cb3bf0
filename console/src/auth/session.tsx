import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { claimsOf, forgetToken, scopesOf, storeToken, storedToken, type Claims } from './token';

export interface Session {
  token: string | null;
  claims: Claims | null;
  scopes: string[];
  signIn: (token: string) => void;
  signOut: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => storedToken());
  const signIn = useCallback((next: string) => {
    storeToken(next);
    setToken(next.trim());
  }, []);
  const signOut = useCallback(() => {
    forgetToken();
    setToken(null);
  }, []);
  const session = useMemo<Session>(() => {
    const claims = token ? claimsOf(token) : null;
    return { token, claims, scopes: scopesOf(claims), signIn, signOut };
  }, [token, signIn, signOut]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
