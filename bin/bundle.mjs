// Build step after tsc: bundles svrun's CLI and its dependencies into dist/svrun/, what
// bin/svrun runs. tsc still type-checks everything and emits dist/app for the bundled services.
// Why a bundle: Node pays per module it loads (resolve, read, compile, link) and keeps each
// one's source and scope data for as long as the process lives. Unbundled, `svrun up` loaded
// about 120 files; bundled, with 100 services it holds 1 MiB less anonymous memory, and it is
// supervising 25 ms sooner (README, "Tests and benchmarks").
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// chunk names carry a content hash: without this, each build would leave the last one's behind
rmSync('dist/svrun', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist/svrun',
  entryNames: '[name]',
  sourcemap: true,
  // Whitespace and syntax only: renamed identifiers saved nothing more, and would change the
  // class names that pino prints for errors.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // the agent is resolved at run time from the app's own node_modules, never bundled
  external: ['newrelic'],
};

// Two dependencies load modules at start that svrun never uses: dotenv requires crypto (for
// .env.vault files; svrun uses its parse only), and pino requires thread-stream (transports,
// which svrun does not use). Those two requires get a stand-in that loads the real module on
// first use: the code paths behave as before, they just load late. 16 fewer of Node's own
// modules at every start, 6 ms (README, "Tests and benchmarks").
const lazy = {
  name: 'lazy-requires',
  setup(b) {
    const late = [
      { importer: /node_modules\/dotenv\//, path: 'crypto', load: "require('node:crypto')" },
      { importer: /node_modules\/pino\/lib\/transport\.js$/, path: 'thread-stream', load: "require('thread-stream')" },
    ];
    for (const l of late) {
      b.onResolve({ filter: new RegExp(`^${l.path}$`) }, (args) => (l.importer.test(args.importer) ? { path: l.path, namespace: 'lazy', pluginData: { ...l, dir: args.resolveDir } } : undefined));
    }
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      resolveDir: args.pluginData.dir, // the real module resolves as it did for its importer
      contents: `let real;
const load = () => (real ??= ${args.pluginData.load});
module.exports = new Proxy(function () {}, {
  get: (_, k) => load()[k],
  has: (_, k) => k in load(),
  construct: (_, a) => Reflect.construct(load(), a),
  apply: (_, t, a) => Reflect.apply(load(), t, a),
});
`,
    }));
  },
};

// The CLI. Split at its dynamic imports, so `svrun status` still loads only what it needs.
// CommonJS dependencies (commander, pino, dotenv) call require() for Node's modules, which an
// ES module does not have: the banner gives each chunk one.
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  plugins: [lazy],
  splitting: true,
  chunkNames: 'chunk-[hash]',
  banner: { js: "import { createRequire as __svrunRequire } from 'node:module'; const require = __svrunRequire(import.meta.url);" },
});

// The New Relic preload runs inside services, not in svrun: one file with no chunks, so it
// works wherever it is copied, and the agent itself stays outside (resolved from the app).
await build({ ...common, entryPoints: ['src/wrap/newrelic/preload.ts'] });
