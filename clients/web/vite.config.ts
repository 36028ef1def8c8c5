/// <reference types="vitest/config" />
// Builds the single-page app and the GraphiQL page into dist/, which `plenary serve` serves
// (the app at `/`, GraphiQL at `/graphiql`).
import { defineConfig } from 'vite';

const server = process.env.PLENARY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    sourcemap: true,
    // GraphiQL's chunk (React, CodeMirror) is about 850 kB, loaded only by `/graphiql`.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      input: { app: 'index.html', graphiql: 'graphiql.html' },
      // GraphiQL's React packages mark modules "use client", which means nothing in a browser
      // bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
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
