// What every page needs: the API origins (from /config.json), the session's
// token, and this tab's write positions for read-your-writes.

import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { ConsoleConfig } from './api/config';
import { PositionBook } from './api/positions';
import { useSession } from './auth/session';

export interface Platform {
  config: ConsoleConfig;
  token: string | null;
  positions: PositionBook;
}

const PlatformContext = createContext<Platform | null>(null);

export function PlatformProvider({ config, children }: { config: ConsoleConfig; children: ReactNode }) {
  const { token } = useSession();
  // One book per tab, for the tab's life.
  const [positions] = useState(() => new PositionBook());
  const platform = useMemo(() => ({ config, token, positions }), [config, token, positions]);
  return <PlatformContext.Provider value={platform}>{children}</PlatformContext.Provider>;
}

export function usePlatform(): Platform {
  const platform = useContext(PlatformContext);
  if (!platform) throw new Error('usePlatform outside PlatformProvider');
  return platform;
}
