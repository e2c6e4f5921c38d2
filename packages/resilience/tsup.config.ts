import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    sqlite: 'src/sqlite.ts',
    postgres: 'src/postgres.ts',
    // Started by the worker-thread relay stores (new URL('./relay-worker.js', import.meta.url)); not an export.
    'relay-worker': 'src/store/relay-worker/worker.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  shims: true, // import.meta.url in the CommonJS build (the relay stores find relay-worker.js with it)
  target: 'node20',
  sourcemap: false,
  external: ['pg', 'better-sqlite3'],
});
