// Vite build of the command center (dashboard/ → dashboard/dist), served by api/src/http/static.ts.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./dashboard', import.meta.url));
const dist = join(root, 'dist');
/** Assets of earlier builds stay this long: a page loaded before a rebuild can still fetch its lazy chunks. */
const KEEP_OLD_ASSETS_MS = 60 * 60_000;

/**
 * A rebuild under a running server must not leave it without index.html (emptyOutDir would, for
 * the seconds of the build): files are overwritten in place, and assets of old builds are removed
 * once they are older than KEEP_OLD_ASSETS_MS.
 */
function pruneOldAssets(): Plugin {
  const current = new Set<string>();
  return {
    name: 'gec-prune-old-assets',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const name of Object.keys(bundle)) current.add(name);
    },
    writeBundle() {
      const dir = join(dist, 'assets');
      // Gzipped twins of the large scripts and styles, served by api/src/http/static.ts: compressing
      // the 2.4 MB map chunk on the first request held up the API for ~150 ms.
      for (const name of current) {
        if (!/\.(js|css)$/.test(name)) continue;
        const file = join(dist, name);
        if (statSync(file).size > 64 * 1024) writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
      }
      const before = Date.now() - KEEP_OLD_ASSETS_MS;
      for (const name of readdirSync(dir)) {
        const file = join(dir, name);
        const own = name.endsWith('.gz') ? name.slice(0, -3) : name;
        if (!current.has(`assets/${own}`) && statSync(file).mtimeMs < before) rmSync(file, { force: true });
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [vue(), pruneOldAssets()],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    chunkSizeWarningLimit: 2500,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
