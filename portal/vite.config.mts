import { defineConfig } from 'vite';

/**
 * The portal: a Preact single-page app that Firebase Hosting serves from `portal/dist` (see
 * firebase.json). No inline script or style ends up in the output, so the Content-Security-Policy
 * can stay `script-src 'self'; style-src 'self'`.
 */
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill is only for browsers without module preload; all supported ones have it.
    modulePreload: { polyfill: false },
  },
});
