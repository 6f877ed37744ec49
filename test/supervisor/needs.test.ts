import { describe, expect, it } from 'vitest';
import { orderProblems } from '../../src/supervisor/needs.js';

const graph: Record<string, string[]> = { web: ['db', 'cache'], db: [], cache: [], a: ['b'], b: ['c'], c: ['a'], self: ['self'], ghost: ['nowhere'] };
const needsOf = (n: string) => graph[n] ?? [];
const known = new Set(Object.keys(graph));

describe('orderProblems', () => {
  it('accepts services whose needs all exist and form no cycle', () => {
    expect(orderProblems([{ name: 'web', needs: graph.web! }, { name: 'db', needs: [] }], known, needsOf)).toEqual(new Map());
  });

  it('names a need that does not exist', () => {
    expect(orderProblems([{ name: 'ghost', needs: ['nowhere'] }], known, needsOf).get('ghost')).toBe('needs nowhere, which does not exist');
  });

  it('names the whole cycle', () => {
    expect(orderProblems([{ name: 'a', needs: ['b'] }], known, needsOf).get('a')).toBe('needs form a cycle: a -> b -> c -> a');
  });

  it('finds a service that needs itself', () => {
    expect(orderProblems([{ name: 'self', needs: ['self'] }], known, needsOf).get('self')).toBe('needs form a cycle: self -> self');
  });
});
