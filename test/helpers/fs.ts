// Temp dirs and file trees for tests; everything made here is removed after the test.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, chmodSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A fresh temp dir, removed when the current test finishes. */
export function tempDir(prefix = 'svrun-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One entry of a tree: file content (string or bytes), or a spec with a mode or a symlink target. */
export type TreeEntry = string | Buffer | { content: string | Buffer; mode?: number } | { symlink: string } | { dir: true };

/** Writes entries (paths relative to root) under root; `run`-like scripts get mode 0755 when asked. */
export function makeTree(root: string, tree: Record<string, TreeEntry>): string {
  for (const [rel, entry] of Object.entries(tree)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
      writeFileSync(path, entry);
    } else if ('symlink' in entry) {
      symlinkSync(entry.symlink, path);
    } else if ('dir' in entry) {
      mkdirSync(path, { recursive: true });
    } else {
      writeFileSync(path, entry.content);
      if (entry.mode !== undefined) chmodSync(path, entry.mode);
    }
  }
  return root;
}

/** A script entry: executable, with a sh shebang unless the text has one. */
export function script(body: string): { content: string; mode: number } {
  const text = body.startsWith('#!') ? body : `#!/bin/sh\n${body}`;
  return { content: text.endsWith('\n') ? text : `${text}\n`, mode: 0o755 };
}
