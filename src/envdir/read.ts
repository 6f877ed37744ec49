// Reads an env dir the way runit's `chpst -e` does and returns a patch; never touches process.env.
import { constants } from 'node:fs';
import { access, lstat, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SvrunError, djbError } from '../errors.js';
import type { EnvDirResult, EnvPatch } from './types.js';
import { envFileValue, isShellName, splitEnvFileName } from './value.js';

/** Options for readEnvDir; verbose adds hints about legal but surprising files (CRLF, `=` in a name). */
export interface ReadEnvDirOptions {
  verbose?: boolean;
}

type Entry =
  | { file: string; kind: 'value'; value: string | null; exact: boolean }
  | { file: string; kind: 'skip'; why: string };

/**
 * Reads every file of dir into a patch, following chpst -e exactly (runit-semantics §5.1), except:
 * - a subdirectory, a symlink to one, a FIFO or other non-file is skipped with a warning
 *   (chpst skips a subdirectory silently, envdir dies; a FIFO would make chpst unset the name);
 * - a dangling symlink is skipped with a warning and leaves the variable alone (chpst and envdir
 *   silently reuse the previous file's value, a stale-buffer bug);
 * - files are applied in sorted name order, not readdir order, so `A` and `A=B` resolve the same
 *   everywhere (the later name wins, with a warning);
 * - a file whose name starts with `=` (empty variable name) is skipped with a warning;
 * - names that are not shell identifiers (`my-var`, `1ABC`) are set as-is, as chpst does, with a warning;
 * - bytes that are not UTF-8 become U+FFFD, with a warning (Node hands env values over as UTF-8).
 * Any fatal error (missing dir, unreadable file) is thrown before anything is returned, so a caller
 * never applies half an env dir.
 */
export async function readEnvDir(dir: string, opts: ReadEnvDirOptions = {}): Promise<EnvDirResult> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw await dirError(dir, err);
  }
  // Dot-files are skipped, as by chpst, envdir and s6-envdir.
  const files = names.filter((n) => !n.startsWith('.')).sort();
  const entries = await Promise.all(files.map((f) => readEntry(dir, f)));
  const patch: EnvPatch = {};
  const setBy: Record<string, string> = {};
  const warnings: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.file);
    if (entry.kind === 'skip') {
      warnings.push(`ignoring ${path}: ${entry.why}`);
      continue;
    }
    const { name, prefix } = splitEnvFileName(entry.file);
    if (name === '') {
      warnings.push(`ignoring ${path}: the name before '=' is empty`);
      continue;
    }
    if (!isShellName(name)) warnings.push(`${path}: ${JSON.stringify(name)} is not a shell variable name; set as is`);
    if (!entry.exact) warnings.push(`${path}: value is not valid UTF-8; invalid bytes replaced by U+FFFD`);
    if (opts.verbose && prefix !== null) warnings.push(`${path}: file name contains '='; sets ${name} to "${prefix}=..." as chpst does`);
    if (opts.verbose && entry.value?.endsWith('\r')) warnings.push(`${path}: value ends in a carriage return (CRLF file?); kept as chpst does`);
    const previous = setBy[name];
    if (previous !== undefined) warnings.push(`${join(dir, previous)} and ${path} both set ${name}; ${path} wins`);
    setBy[name] = entry.file;
    patch[name] = withPrefix(prefix, entry.value);
  }
  return { patch, files: setBy, warnings };
}

// chpst passes "NAME=PREFIX" for an empty file and "NAME=PREFIX=value" otherwise.
function withPrefix(prefix: string | null, value: string | null): string | null {
  if (prefix === null) return value;
  return value === null ? prefix : `${prefix}=${value}`;
}

async function readEntry(dir: string, file: string): Promise<Entry> {
  const path = join(dir, file);
  try {
    const st = await stat(path);
    if (st.isDirectory()) return { file, kind: 'skip', why: 'is a directory' };
    if (!st.isFile()) return { file, kind: 'skip', why: 'not a regular file' };
    const { value, exact } = envFileValue(await readFile(path));
    return { file, kind: 'value', value, exact };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      const dangling = await lstat(path).then((l) => l.isSymbolicLink(), () => false);
      return { file, kind: 'skip', why: dangling ? 'dangling symlink; variable left unchanged' : 'removed while reading' };
    }
    throw new SvrunError('SYSTEM', `unable to read ${path}: ${djbError(err)}`, { cause: err });
  }
}

// Same wording as chpst, which chdir()s first ("switch to") and then opens "." to list it ("open").
async function dirError(dir: string, err: unknown): Promise<SvrunError> {
  const denied = (err as NodeJS.ErrnoException).code === 'EACCES';
  const what = denied && (await access(dir, constants.X_OK).then(() => true, () => false)) ? 'open' : 'switch to';
  return new SvrunError('SYSTEM', `unable to ${what} directory: ${dir}: ${djbError(err)}`, { cause: err });
}
