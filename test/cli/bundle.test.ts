// The bundled CLI (bin/bundle.mjs) defers the modules its dependencies require at load but
// svrun never uses: dotenv's crypto (for .env.vault) and pino's thread-stream (transports).
// What svrun does use of dotenv, parse, works through the stand-in. (Only crypto can be checked
// here: moduleLoadList names Node's own modules, not thread-stream.)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { script, tempDir } from '../helpers/fs.js';
import { pollUntil } from '../helpers/proc.js';
import { servicesDir, up } from '../supervisor/harness.js';

describe('bundle', () => {
  it('svrun up applies a .env without loading crypto', async () => {
    const dir = servicesDir({ 'svc/.env': 'GREETING=hi\n', 'svc/run': script('echo "greeting=$GREETING"\nexec sleep 1000') });
    const tmp = tempDir();
    const list = join(tmp, 'modules');
    const preload = join(tmp, 'preload.cjs');
    // only in svrun itself (svrun sets SVRUN_SERVICE for its services)
    writeFileSync(preload, `if (!process.env.SVRUN_SERVICE) process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`);
    const u = up(dir, [], { NODE_OPTIONS: `--require ${preload}` });
    await u.waitFor('svc | greeting=hi');
    await u.stop('SIGTERM');
    await pollUntil(() => existsSync(list), 5000, 'the module list');
    const loaded = readFileSync(list, 'utf8').split('\n');
    expect(loaded).toContain('NativeModule child_process'); // the list is svrun's
    expect(loaded.filter((m) => /^NativeModule (crypto|internal\/crypto)/.test(m))).toEqual([]);
  });
});
