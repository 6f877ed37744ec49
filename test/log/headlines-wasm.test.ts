// The committed WebAssembly (headlines-wasm.ts) is what headlines.wat compiles to: edit the
// .wat, run `npm run build:wasm`, and this passes again.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error bin/wasm.mjs is plain JS without types
import { TS, moduleSource } from '../../bin/wasm.mjs';

describe('headlines-wasm.ts', () => {
  it('holds the bytes headlines.wat compiles to', async () => {
    expect(readFileSync(TS as string, 'utf8')).toBe(await (moduleSource as () => Promise<string>)());
  });
});
