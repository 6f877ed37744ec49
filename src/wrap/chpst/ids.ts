// chpst's `[:]user[:group[:group…]]` to numeric ids, from passwd/group files as chpst's
// getpwnam/getgrnam see them (inside the new root when -/ is given, since chpst looks up after chroot).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SvrunError, djbError } from '../../errors.js';

/** A resolved -u/-U value: uid, primary gid, and the supplementary groups chpst sets. */
export interface Ids {
  uid: number;
  gid: number;
  groups: number[];
}

/** Resolves spec against the text of passwd and group files; throws chpst's messages. */
export function resolveIds(spec: string, passwd: string, group: string): Ids {
  if (spec.startsWith(':')) return numericIds(spec);
  const [user = '', ...groupNames] = spec.split(':');
  const pw = findEntry(passwd, user);
  if (!pw) throw unknown(spec);
  const uid = Number(pw[2]);
  if (groupNames.length === 0) {
    const gid = Number(pw[3]);
    return { uid, gid, groups: [gid] };
  }
  const gids = groupNames.map((name) => {
    const gr = findEntry(group, name);
    if (!gr) throw unknown(spec);
    return Number(gr[2]);
  });
  return { uid, gid: gids[0]!, groups: gids };
}

/** Reads passwd and group under root and resolves spec. */
export async function lookupIds(spec: string, root = '/'): Promise<Ids> {
  if (spec.startsWith(':')) return numericIds(spec);
  const read = (name: string) =>
    readFile(join(root, 'etc', name), 'utf8').catch((err: unknown) => {
      // chpst's words when getpwnam finds no file (as in a bare chroot)
      throw new SvrunError('SYSTEM', `unable to get password/group file entry: ${djbError(err)}`, { cause: err });
    });
  const [passwd, group] = await Promise.all([read('passwd'), read('group')]);
  return resolveIds(spec, passwd, group);
}

// `:uid:gid[:gid…]`: chpst wants at least one gid with the numeric form.
function numericIds(spec: string): Ids {
  const parts = spec.slice(1).split(':');
  if (parts.length < 2 || !parts.every((p) => /^\d+$/.test(p))) {
    throw new SvrunError('SYSTEM', `invalid uid/gids: ${spec.slice(1)}`);
  }
  const [uid, ...gids] = parts.map(Number);
  return { uid: uid!, gid: gids[0]!, groups: gids };
}

function findEntry(text: string, name: string): string[] | undefined {
  if (name === '') return undefined;
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 3) return fields;
  }
  return undefined;
}

function unknown(spec: string): SvrunError {
  return new SvrunError('SYSTEM', `unknown user/group: ${spec}`);
}
