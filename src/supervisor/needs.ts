// Start order from `needs` files: which services cannot start because what they need does
// not exist or needs them back (a cycle). Pure.

/** A service and the names it needs. */
export interface NeedsEntry {
  name: string;
  needs: string[];
}

/** Maps each of entries that cannot start to the reason; known names and needsOf cover every service. */
export function orderProblems(entries: NeedsEntry[], known: Set<string>, needsOf: (name: string) => string[]): Map<string, string> {
  const problems = new Map<string, string>();
  for (const e of entries) {
    const missing = e.needs.filter((n) => !known.has(n));
    if (missing.length) {
      problems.set(e.name, `needs ${missing.join(', ')}, which ${missing.length > 1 ? 'do' : 'does'} not exist`);
      continue;
    }
    const cycle = findCycle(e.name, needsOf);
    if (cycle) problems.set(e.name, `needs form a cycle: ${cycle.join(' -> ')}`);
  }
  return problems;
}

// Depth-first from start; returns the path back to start if there is one.
function findCycle(start: string, needsOf: (name: string) => string[]): string[] | null {
  const seen = new Set<string>();
  const walk = (name: string, path: string[]): string[] | null => {
    for (const next of needsOf(name)) {
      if (next === start) return [...path, next];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, [start]);
}
