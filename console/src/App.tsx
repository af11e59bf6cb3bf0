import { useQuery } from '@tanstack/react-query';
import type { MouseEvent } from 'react';
import { loadConfig } from './api/config';
import { describeError } from './api/http';
import { useSession } from './auth/session';
import { SignIn } from './auth/SignIn';
import { Board } from './board/Board';
import { Operations } from './ops/Operations';
import { PlatformProvider } from './platform';
import { hrefOf, navigate, usePage, type Page } from './router';
import { Notice } from './ui/Notice';

export function App() {
  const session = useSession();
  const page = usePage();
  const config = useQuery({ queryKey: ['config'], queryFn: loadConfig, staleTime: Infinity });

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Platform console</span>
        <nav aria-label="Pages">
          <NavLink page="board" current={page}>
            Tasks
          </NavLink>
          <NavLink page="operations" current={page}>
            Operations
          </NavLink>
        </nav>
        {session.token && (
          <div className="who">
            <span>
              {session.claims?.sub ?? 'signed in'}
              {session.claims?.tenant_id ? ` · ${session.claims.tenant_id}` : ''}
            </span>
            <button type="button" className="secondary" onClick={session.signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {config.isPending && <p role="status">Loading the console's configuration…</p>}
        {config.isError && (
          <Notice tone="error" title="The console cannot start">
            {describeError(config.error)}
          </Notice>
        )}
        {config.isSuccess && !session.token && <SignIn />}
        {config.isSuccess && session.token && (
          <PlatformProvider config={config.data}>
            {page === 'board' ? <Board /> : <Operations />}
          </PlatformProvider>
        )}
      </main>
    </div>
  );
}

function NavLink({ page, current, children }: { page: Page; current: Page; children: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(page);
  };
  return (
    <a href={hrefOf(page)} aria-current={page === current ? 'page' : undefined} onClick={onClick}>
      {children}
    </a>
  );
}
