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

/** Vant's functions and the module that exports them. */
const VANT_FUNCTIONS: Record<string, string> = {
  showToast: 'toast', showSuccessToast: 'toast', showFailToast: 'toast', showLoadingToast: 'toast', closeToast: 'toast',
  showConfirmDialog: 'dialog', showDialog: 'dialog', closeDialog: 'dialog',
};

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const UI_SOURCE = /\/dashboard\/src\/.*\.(vue|ts)$/;

/**
 * `import { Button, showToast } from 'vant'` becomes an import of each from its own module
 * (`vant/es/button`, `vant/es/toast`) plus its styles (`vant/es/button/style`). Through Vant's
 * index every component looked reachable from every importer, so the first screen's chunk took
 * the upload, picker and dialog code of later views; and a view's styles now travel in its own
 * chunk. Element Plus (the admin console, on PCs) keeps its index import and gets each
 * component's styles beside it the same way. The source keeps plain named imports.
 */
function uiLibraryImports(): Plugin {
  const vant = join(import.meta.dirname, 'node_modules/vant/es');
  const element = join(import.meta.dirname, 'node_modules/element-plus/es/components');
  const names = (list: string) => list.split(',').map((x) => x.trim()).filter((x) => x && !x.startsWith('type '));
  return {
    name: 'gec-ui-library-imports',
    enforce: 'post',
    transform(code, id) {
      if (!UI_SOURCE.test(id.split('?')[0])) return null;
      const hasVant = /from\s*['"]vant['"]/.test(code);
      const hasElement = /from\s*['"]element-plus['"]/.test(code);
      if (!hasVant && !hasElement) return null;
      let out = code;
      if (hasVant) {
        out = out.replace(/import\s*\{([^}]+)\}\s*from\s*['"]vant['"];?/g, (_all, list: string) => {
          const lines: string[] = [];
          const rest: string[] = [];
          for (const spec of names(list)) {
            const [name, alias] = spec.split(/\s+as\s+/);
            const dir = VANT_FUNCTIONS[name] ?? kebab(name);
            if (!existsSync(join(vant, dir, 'index.mjs'))) {
              rest.push(spec);
              continue;
            }
            lines.push(`import { ${name}${alias ? ` as ${alias}` : ''} } from 'vant/es/${dir}/index.mjs';`);
            if (existsSync(join(vant, dir, 'style/index.mjs'))) lines.push(`import 'vant/es/${dir}/style/index.mjs';`);
          }
          if (rest.length) lines.push(`import { ${rest.join(', ')} } from 'vant';`);
          return lines.join('\n');
        });
      }
      if (hasElement) {
        const styles = new Set<string>();
        for (const m of code.matchAll(/import\s*\{([^}]+)\}\s*from\s*['"]element-plus['"]/g)) {
          for (const spec of names(m[1])) {
            const dir = kebab(spec.split(/\s+as\s+/)[0].replace(/^El/, ''));
            if (existsSync(join(element, dir, 'style/css.mjs'))) styles.add(dir);
          }
        }
        out = [...styles].map((d) => `import 'element-plus/es/components/${d}/style/css.mjs';`).join('\n') + '\n' + out;
      }
      return { code: out, map: null };
    },
  };
}

/**
 * Vant's icon font comes inlined in its CSS (25 KB of base64 that no compression shrinks) and with
 * a fallback on a CDN (at.alicdn.com). It becomes a file of its own: it no longer holds up the
 * first screen's styles, it is fetched (and cached) only when an icon is drawn, and nothing is ever
 * asked of a server outside the deployment.
 */
function vantIconFont(): Plugin {
  return {
    name: 'gec-vant-icon-font',
    transform(code, id) {
      if (!/node_modules[\\/]vant[\\/]es[\\/]icon[\\/]index\.css$/.test(id)) return null;
      const m = /src:url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\),url\([^)]*\) format\("woff"\)/.exec(code);
      if (!m) this.error('vant/es/icon/index.css: the inlined icon font was not found (Vant changed: revisit gec-vant-icon-font)');
      const ref = this.emitFile({ type: 'asset', name: 'vant-icon.woff2', source: Buffer.from(m[1], 'base64') });
      return { code: code.replace(m[0], `src:url(__VITE_ASSET__${ref}__) format("woff2")`), map: null };
    },
  };
}

type ModuleInfoLike = { isEntry: boolean; importers: readonly string[]; dynamicImporters: readonly string[] } | null;

/** The entries (app HTML files) that reach a module through the importers `follow` gives, memoised. */
function reacher(follow: (m: NonNullable<ModuleInfoLike>) => readonly string[]) {
  const entriesOf = new Map<string, Set<string>>();
  const reach = (id: string, info: (id: string) => ModuleInfoLike, path: Set<string>): Set<string> => {
    const known = entriesOf.get(id);
    if (known) return known;
    const out = new Set<string>();
    const m = info(id);
    if (!m || path.has(id)) return out;
    path.add(id);
    if (m.isEntry) out.add(id);
    for (const importer of follow(m)) for (const e of reach(importer, info, path)) out.add(e);
    path.delete(id);
    entriesOf.set(id, out);
    return out;
  };
  return reach;
}

const pageOfEntry = (entry: string) => APP_PAGES.find((p) => entry.endsWith(`/${p.html}`));

/**
 * What an app loads at start in two chunks: `<app>-boot` (what no other app loads) and
 * `shared-boot` (what every app's start needs: Vue, the router, i18n, the API client); and a third,
 * `<group>-boot`, for what only the apps of a group load (AppPage.bootGroup: Vant for the phones).
 * Left to itself the bundler cut the field app's start into a dozen 1 KB chunks (modules its lazy views
 * share with its first screen), each another request and on a slow phone network a round trip of
 * over half a second behind the six connections a browser opens; and it put the shared modules in
 * the command center's entry chunk, so phones downloaded the command center's stores and words.
 * Lazy views keep the default splitting. A module one app of a group starts with and another loads
 * only in a lazy view goes to `<app>-boot-shared`: in `<app>-boot`, the other's view would download
 * that app's whole start (the citizens' report form took the field app's task list); in the group's
 * chunk, the other app would download it at its start.
 */
function bootChunks() {
  const staticReach = reacher((m) => m.importers);
  const anyReach = reacher((m) => [...m.importers, ...m.dynamicImporters]);
  return {
    debugName: 'app boot chunks',
    name(id: string, ctx: { getModuleInfo(id: string): ModuleInfoLike }): string | null {
      const info = (x: string) => ctx.getModuleInfo(x);
      const entries = [...staticReach(id, info, new Set())];
      const pages = entries.map(pageOfEntry);
      if (pages.length === 0) return null;
      const group = pages[0]?.bootGroup;
      if (pages.length === 1) {
        if (!pages[0]) return null;
        const lazyInGroup = group && [...anyReach(id, info, new Set())].some((e) => e !== entries[0] && pageOfEntry(e)?.bootGroup === group);
        return lazyInGroup ? `${pages[0].name}-boot-shared` : `${pages[0].name}-boot`;
      }
      // Reached by apps of one group only (Vant, by the two phone apps): their own chunk.
      return group && pages.every((p) => p?.bootGroup === group) ? `${group}-boot` : 'shared-boot';
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
  plugins: [vue(), uiLibraryImports(), vantIconFont(), appFallback(), pruneOldAssets(), fieldServiceWorker()],
  resolve: { alias: { '@shared': join(root, 'src/shared') } },
  // Vue's and vue-i18n's compile-time flags: no Options API, no legacy i18n API (all components use
  // setup), which lets the bundler drop that code from every app's first download.
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: Object.fromEntries(APP_PAGES.map((p) => [p.name, join(root, p.html)])),
      // Without the groups' dependencies pulled in with them (else the command center's start took
      // Vue along and every app downloaded it): rolldown then asks for strict execution order.
      output: { codeSplitting: { includeDependenciesRecursively: false, groups: [bootChunks()] }, strictExecutionOrder: true },
      preserveEntrySignatures: false,
      // The shared chunk stays its own file: merged into the first entry that uses it, every app
      // downloaded the command center's start to get Vue.
      experimental: { chunkOptimization: { mergeCommonChunks: false, avoidRedundantChunkLoads: true } },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
