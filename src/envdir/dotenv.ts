// Reads a .env file with dotenv's pure parse(); dotenv's config() would write process.env.
import { readFile } from 'node:fs/promises';
import { parse } from 'dotenv';
import { SvrunError, djbError } from '../errors.js';

/** The variables a .env file sets; a missing file sets nothing, any other read failure throws naming the file. */
export async function readDotenv(file: string): Promise<Record<string, string>> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SvrunError('SYSTEM', `unable to read ${file}: ${djbError(err)}`, { cause: err });
  }
  return parse(text);
}
