import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { takeTokenFromFragment } from './auth/token';
import { SessionProvider } from './auth/session';
import './styles.css';

// Before anything renders: a token handed over in the fragment leaves the address bar.
takeTokenFromFragment();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A board that refreshes under the user's hands would hide conflicts:
      // it reloads after writes, on request, and where a page polls.
      refetchOnWindowFocus: false,
      retry: (failures, error) => failures < 2 && !(error instanceof Error && error.name === 'ApiError'),
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
