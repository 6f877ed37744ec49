// chpst -e's rule for turning one env dir file into a value, as a pure function of its bytes.
import { isUtf8 } from 'node:buffer';

/** The bytes of the value a file gives under chpst -e: null (unset) for an empty file, else the trimmed first line. */
export function envFileBytes(bytes: Buffer): Buffer | null {
  // Only a zero-length file unsets; a lone "\n" sets the empty string (runit-semantics §5.1).
  if (bytes.length === 0) return null;
  const nl = bytes.indexOf(0x0a);
  let end = nl === -1 ? bytes.length : nl;
  // Spaces and tabs only: chpst keeps a trailing CR, s6-envdir does not.
  while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x09)) end--;
  const line = Buffer.from(bytes.subarray(0, end));
  // NUL becomes newline after trimming, so "a\0 " keeps its space-free "a\n".
  for (let i = 0; i < line.length; i++) if (line[i] === 0) line[i] = 0x0a;
  return line;
}

/** The value a file gives under chpst -e, as text; `exact` is false when bytes were not UTF-8 and got replaced. */
export function envFileValue(bytes: Buffer): { value: string | null; exact: boolean } {
  const line = envFileBytes(bytes);
  if (line === null) return { value: null, exact: true };
  // Node passes env values to children as UTF-8 strings, so other bytes cannot survive.
  return { value: line.toString('utf8'), exact: isUtf8(line) };
}

/** Splits an env dir file name into the variable name and the prefix chpst puts before the value. */
export function splitEnvFileName(file: string): { name: string; prefix: string | null } {
  const eq = file.indexOf('=');
  if (eq === -1) return { name: file, prefix: null };
  // chpst builds "NAME=REST=value", so a file "A=B" sets A to "B=" + value (or "B" when empty).
  return { name: file.slice(0, eq), prefix: file.slice(eq + 1) };
}

/** True for names a POSIX shell can use; others still work for envdir but surprise people. */
export function isShellName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
