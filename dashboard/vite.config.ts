/// <reference types="vitest/config" />
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` proxies the API and the live socket to a service on :8000 (`make run`).
const service = process.env.BOTSIEVE_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    // The Quick start snippet is read from the docs' one copy (docs/snippets).
    fs: { allow: ['.', '../docs/snippets'] },
    proxy: {
      '/api': { target: service, ws: true, changeOrigin: false },
    },
  },
  build: { sourcemap: false, manifest: true, chunkSizeWarningLimit: 400 },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
});
