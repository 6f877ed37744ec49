// Colour: decided once, here (a terminal, unless NO_COLOR or FORCE_COLOR say otherwise), then
// applied without Node's own stream check, which also reads TERM and would drop colours on a
// terminal whose TERM is unset (as under CI's pseudo-terminals).
import { styleText } from 'node:util';

type Format = Parameters<typeof styleText>[0];

/** Whether output to stream gets colour. */
export function wantColor(stream: NodeJS.WritableStream): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (process.env.NO_COLOR) return false;
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}

// Node 20.x types lack the options argument that newer Node 20 releases take.
const style = styleText as (format: Format, text: string, options?: { validateStream?: boolean }) => string;

/** text in format (ANSI codes), for a caller that has decided on colour. */
export function paint(format: Format, text: string): string {
  return style(format, text, { validateStream: false });
}
