import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The project's layering, read from the source: which module imports which. */
const SRC = resolve(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports (static, dynamic and re-exports) of each file, as absolute paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pattern = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(pattern)].map((match) => resolve(dirname(file), match[1] as string));
    graph.set(file, targets);
  }
  return graph;
}

/** `src/harness/check.ts` → `harness`; files straight in src/ count as their own folder. */
function folderOf(file: string): string {
  return relative(SRC, file).split('/')[0] as string;
}

/** Every cycle found by depth-first search, each as the list of nodes on it. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('module layering', () => {
  const graph = importGraph();
  const short = (file: string) => relative(SRC, file);

  it('keeps the result model free of harness, simulator and renderer code', () => {
    const model = [...graph].filter(([file]) => folderOf(file) === 'model');
    const outside = model.flatMap(([file, targets]) =>
      targets.filter((t) => folderOf(t) !== 'model').map((t) => `${short(file)} → ${short(t)}`),
    );
    expect(outside).toEqual([]);
  });

  it('makes the report renderers pure: they import only the model', () => {
    const reports = [...graph].filter(([file]) => folderOf(file) === 'reports');
    const outside = reports.flatMap(([file, targets]) =>
      targets.filter((t) => !['reports', 'model'].includes(folderOf(t))).map((t) => `${short(file)} → ${short(t)}`),
    );
    expect(outside).toEqual([]);
  });

  it('has no import cycle between folders of src/', () => {
    const edges = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const target of targets) {
        const to = folderOf(target);
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(cycles(edges).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const edges = new Map([...graph].map(([file, targets]) => [short(file), new Set(targets.map(short))]));
    expect(cycles(edges).map((cycle) => cycle.join(' → '))).toEqual([]);
  });
});
