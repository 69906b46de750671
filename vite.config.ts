import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets tfjs-wasm use threads (SharedArrayBuffer).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Content-Security-Policy of the built lab: everything from this origin, nothing from others.
// 'wasm-unsafe-eval' compiles tfjs-wasm; blob: in script-src and worker-src is tfjs-wasm's
// thread pool (each thread is a Blob worker that importScripts a Blob of the factory's source).
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self'",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The same policy as a <meta> in the built pages (any static host), and as a header from `vite preview`. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build', // the dev server injects inline scripts and talks over a WebSocket (HMR)
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: { rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } } },
  server: { headers: isolation },
  // The header also covers the workers (a dedicated worker takes the policy of its own response).
  preview: { headers: { ...isolation, 'Content-Security-Policy': `${CSP}; frame-ancestors 'none'` } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
