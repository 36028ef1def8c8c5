/// <reference types="vitest/config" />
// Builds the single-page app into dist/, which `plenary serve` serves at `/`.
import { defineConfig } from 'vite';

const server = process.env.PLENARY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { target: 'es2022', sourcemap: true },
  // `npm run dev` talks to a running `plenary serve`.
  server: {
    proxy: {
      '/api': server,
      '/graphql': { target: server, ws: true },
      '/documents': server,
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
