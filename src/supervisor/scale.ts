// `--scale web=3,worker=2` (repeatable): how many instances of which service to run.
import { SvrunError } from '../errors.js';

/** Parses --scale values into service name → instance count; a bad one is a usage error. */
export function parseScale(values: string[]): Map<string, number> {
  const scale = new Map<string, number>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const m = /^([^=\s/]+)=(\d+)$/.exec(part.trim());
      if (!m) throw new SvrunError('USAGE', `--scale ${part}: expected NAME=COUNT, e.g. --scale web=3`);
      scale.set(m[1]!, Number(m[2]));
    }
  }
  return scale;
}
