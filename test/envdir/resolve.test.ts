import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDotenv } from '../../src/envdir/dotenv.js';
import { resolveServiceEnv } from '../../src/envdir/resolve.js';
import { makeTree, tempDir } from '../helpers/fs.js';

describe('readDotenv', () => {
  it('parses a .env file without touching process.env', async () => {
    const file = join(makeTree(tempDir(), { '.env': 'A=1\n# comment\nB="two words"\nexport C=3\n' }), '.env');
    const r = await readDotenv(file);
    expect(r).toEqual({ A: '1', B: 'two words', C: '3' });
    expect(process.env.B).toBeUndefined();
  });

  it('treats a missing file as setting nothing', async () => {
    expect(await readDotenv(join(tempDir(), '.env'))).toEqual({});
  });

  it('throws a SYSTEM error naming a .env that cannot be read', async () => {
    const dir = makeTree(tempDir(), { '.env': { dir: true } });
    await expect(readDotenv(join(dir, '.env'))).rejects.toMatchObject({
      code: 'SYSTEM',
      message: `unable to read ${join(dir, '.env')}: is a directory`,
    });
  });
});

describe('resolveServiceEnv', () => {
  it('layers inherited < services/.env < service/.env < service/env/ and records each origin', async () => {
    const root = makeTree(tempDir(), {
      '.env': 'A=shared\nB=shared\nC=shared\n',
      'web/.env': 'B=own\nC=own\n',
      'web/env/C': 'dir\n',
      'web/run': '#!/bin/sh\n',
    });
    const web = join(root, 'web');
    const r = await resolveServiceEnv(web, { inherited: { A: 'inh', Z: 'inh', U: undefined } });
    expect(r.env).toEqual({ A: 'shared', B: 'own', C: 'dir', Z: 'inh' });
    expect(r.sources).toEqual({
      Z: { from: 'inherited' },
      A: { from: 'dotenv', file: join(root, '.env') },
      B: { from: 'dotenv', file: join(web, '.env') },
      C: { from: 'envdir', file: join(web, 'env', 'C') },
    });
    expect(r.unset).toEqual({});
  });

  it('removes a variable whatever set it when an env/ file is empty', async () => {
    const root = makeTree(tempDir(), { 'web/.env': 'DEBUG=1\n', 'web/env/DEBUG': '', 'web/env/HOME': '' });
    const web = join(root, 'web');
    const r = await resolveServiceEnv(web, { inherited: { HOME: '/root' } });
    expect(r.env).toEqual({});
    expect(r.sources).toEqual({});
    expect(r.unset).toEqual({
      DEBUG: { from: 'envdir', file: join(web, 'env', 'DEBUG') },
      HOME: { from: 'envdir', file: join(web, 'env', 'HOME') },
    });
  });

  it('takes the shared .env from servicesDir when given', async () => {
    const root = makeTree(tempDir(), { 'elsewhere/.env': 'X=1\n', 'svc/a/run': '' });
    const r = await resolveServiceEnv(join(root, 'svc/a'), { inherited: {}, servicesDir: join(root, 'elsewhere') });
    expect(r.env).toEqual({ X: '1' });
  });

  it('works with no .env and no env/ at all', async () => {
    const root = makeTree(tempDir(), { 'a/run': '' });
    const r = await resolveServiceEnv(join(root, 'a'), { inherited: { P: '1' } });
    expect(r).toEqual({ env: { P: '1' }, sources: { P: { from: 'inherited' } }, unset: {}, warnings: [] });
  });

  it('passes on env/ warnings', async () => {
    const root = makeTree(tempDir(), { 'a/env/SUB': { dir: true } });
    const r = await resolveServiceEnv(join(root, 'a'), { inherited: {} });
    expect(r.warnings).toEqual([`ignoring ${join(root, 'a/env/SUB')}: is a directory`]);
  });

  it('throws instead of returning a partial environment when env/ cannot be read', async () => {
    const root = makeTree(tempDir(), { 'a/.env': 'A=1\n', 'a/env': 'not a dir' });
    await expect(resolveServiceEnv(join(root, 'a'), { inherited: {} })).rejects.toMatchObject({
      code: 'SYSTEM',
      message: `unable to switch to directory: ${join(root, 'a/env')}: not a directory`,
    });
  });

  it('throws naming a service .env that cannot be read', async () => {
    const root = makeTree(tempDir(), { 'a/.env': { dir: true } });
    await expect(resolveServiceEnv(join(root, 'a'), { inherited: {} })).rejects.toMatchObject({
      code: 'SYSTEM',
      message: `unable to read ${join(root, 'a/.env')}: is a directory`,
    });
  });
});
