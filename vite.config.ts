// Vite build of the front-end apps (dashboard/ → dashboard/dist), served by api/src/http/static.ts:
// one HTML entry per app, so a phone never downloads the wall's charts or a map it has not opened.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';
import { APP_PAGES, pageFor } from './dashboard/pages.ts';

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
        // A chunk left empty (a CSS-only module's JS) is in the bundle but never written.
        if (existsSync(file) && statSync(file).size > 64 * 1024) writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
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

type OutputChunk = { type: 'chunk'; fileName: string; facadeModuleId: string | null; imports: string[]; dynamicImports: string[]; viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> } };

/**
 * The field app's service worker (dist/field/sw.js, scope /field/): it precaches the app's shell and
 * every chunk reachable from its entry (its lazy map and scanner included, nothing of the other
 * apps), so a phone that lost its network can still reload the app and reach its outbox. Written
 * here rather than with vite-plugin-pwa: workbox-build brings ~150 packages for a worker of 40 lines.
 */
function fieldServiceWorker(): Plugin {
  return {
    name: 'gec-field-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((x): x is OutputChunk & (typeof bundle)[string] => x.type === 'chunk');
      const entry = chunks.find((c) => c.facadeModuleId?.endsWith('/field.html'));
      if (!entry) return;
      const files = new Set<string>();
      const walk = (name: string) => {
        const chunk = bundle[name] as unknown as OutputChunk | undefined;
        if (!chunk || files.has(name)) return;
        files.add(name);
        chunk.viteMetadata?.importedCss.forEach((f) => files.add(f));
        chunk.viteMetadata?.importedAssets.forEach((f) => files.add(f));
        [...chunk.imports, ...chunk.dynamicImports].forEach(walk);
      };
      walk(entry.fileName);
      const urls = ['/field/', ...[...files].sort().map((f) => `/${f}`)];
      const version = createHash('sha256').update(urls.join('\n')).digest('hex').slice(0, 12);
      const template = readFileSync(join(root, 'src/apps/field/offline/sw.template.js'), 'utf8');
      this.emitFile({
        type: 'asset',
        fileName: 'field/sw.js',
        source: template.replace('self.__PRECACHE__', JSON.stringify({ version, urls })),
      });
    },
  };
}

/** The dev server answers an app's client-side routes with that app's HTML, as the API server does. */
function appFallback(): Plugin {
  return {
    name: 'gec-app-fallback',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const path = (req.url ?? '/').split('?')[0];
        const isFile = path.startsWith('/@') || path.startsWith('/src/') || path.startsWith('/node_modules/') || /\.\w+$/.test(path);
        if (req.method === 'GET' && !isFile && !path.startsWith('/api/')) req.url = `/${pageFor(path)}`;
        next();
      });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [vue(), appFallback(), pruneOldAssets(), fieldServiceWorker()],
  resolve: { alias: { '@shared': join(root, 'src/shared') } },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    chunkSizeWarningLimit: 2500,
    rollupOptions: { input: Object.fromEntries(APP_PAGES.map((p) => [p.name, join(root, p.html)])) },
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
