// svlogd's pattern matcher (runit pmatch.c): `*` skips to the first occurrence of the next
// pattern char and never backtracks; `+` matches one or more of the next char.

const STAR = 0x2a;
const PLUS = 0x2b;

/** True if pattern matches line[0, len) the way svlogd's pmatch does. */
export function pmatch(pattern: Uint8Array, line: Uint8Array, len = line.length): boolean {
  let p = 0;
  let s = 0;
  for (;;) {
    if (p >= pattern.length) return s === len;
    const c = pattern[p++]!;
    if (c === STAR) {
      if (p >= pattern.length) return true;
      const next = pattern[p]!;
      for (;;) {
        if (s === len) return false;
        if (line[s] === next) break;
        s++;
      }
      continue;
    }
    if (c === PLUS) {
      // pmatch.c reads past the line here; treat an exhausted line or pattern as no match
      if (p >= pattern.length || s === len) return false;
      const next = pattern[p++]!;
      if (line[s] !== next) return false;
      for (;;) {
        // pmatch.c quirk kept: an exhausted line after `+x` matches whatever pattern is left
        if (s === len) return true;
        if (line[s] !== next) break;
        s++;
      }
      continue;
    }
    if (s === len || line[s] !== c) return false;
    s++;
  }
}
