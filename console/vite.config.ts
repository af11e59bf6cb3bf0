import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves on 5173; it reads the API origins from public/config.json
// when present (console-server answers /config.json in every other setup).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    // No inline scripts or eval: the server's CSP allows only 'self'.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
