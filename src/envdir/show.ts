// Formats `svrun env` output: `NAME=value  # from FILE` lines or JSON, secrets masked unless asked.
import { relative } from 'node:path';
import type { Inspection, ShownVar } from './inspect.js';
import { maskValue } from './mask.js';

/** Options shared by both formats. */
export interface ShowOptions {
  showSecrets: boolean;
  cwd: string;
}

/** Text lines, one per variable; a `# PATH` header precedes each inspection when there are several. */
export function formatText(inspections: Inspection[], opts: ShowOptions): string {
  const out: string[] = [];
  for (const ins of inspections) {
    if (inspections.length > 1) out.push(`# ${ins.path} (${ins.kind === 'service' ? 'service' : 'env dir'})`);
    for (const v of ins.vars) out.push(formatLine(v, opts));
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** JSON `{ NAME: { value, from, file } }`; several inspections are keyed by path first. */
export function formatJson(inspections: Inspection[], opts: ShowOptions): string {
  const one = (ins: Inspection) =>
    Object.fromEntries(ins.vars.map((v) => {
      const masked = !opts.showSecrets && v.value !== null && shownValue(v, opts) !== v.value;
      return [v.name, { value: shownValue(v, opts), from: v.from, file: v.file && displayPath(v.file, opts.cwd), ...(masked ? { masked } : {}) }];
    }));
  const body = inspections.length === 1 ? one(inspections[0]!) : Object.fromEntries(inspections.map((i) => [i.path, one(i)]));
  return `${JSON.stringify(body, null, 2)}\n`;
}

function formatLine(v: ShownVar, opts: ShowOptions): string {
  const origin = v.file ? displayPath(v.file, opts.cwd) : 'inherited';
  if (v.value === null) return `unset ${v.name}  # by ${origin} (empty file)`;
  const from = v.from === 'inherited' ? '# inherited' : `# from ${origin}`;
  return `${v.name}=${quote(shownValue(v, opts) ?? '')}  ${from}`;
}

function shownValue(v: ShownVar, opts: ShowOptions): string | null {
  if (v.value === null || opts.showSecrets) return v.value;
  return maskValue(v.name, v.value);
}

// Blanks, CRs and control bytes are what people get wrong in env files, so make them visible.
function quote(value: string): string {
  return /^[^\s"'\\\p{Cc}]+$/u.test(value) ? value : JSON.stringify(value);
}

// Relative to the current dir when that is shorter ("env/PORT", "../.env"), otherwise as it is.
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && rel.length < file.length ? rel : file;
}
