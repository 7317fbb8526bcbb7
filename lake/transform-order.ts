import type { ModelDef } from './transform-types.js';

interface SortSpec<T> {
  key: (item: T) => string;
  deps: (item: T) => readonly string[];
  describe: (item: T) => string;
  /** Keys that may be depended on without being items (already built, declared sources…). */
  external?: ReadonlySet<string>;
  /** Preferred order among independent items (default: by key). */
  compare?: (a: T, b: T) => number;
}

/**
 * Topological order of `items` (each after everything it depends on), stable for a given input.
 * Throws on a dependency that is neither an item nor external, and on cycles (naming the cycle).
 */
export function sortByDependencies<T>(items: readonly T[], spec: SortSpec<T>): T[] {
  const { key, deps, describe } = spec;
  const external = spec.external ?? new Set<string>();
  const byKey = new Map(items.map((item) => [key(item), item]));
  for (const item of items) {
    for (const dep of deps(item)) {
      if (!byKey.has(dep) && !external.has(dep)) {
        throw new Error(`${describe(item)} reads ${dep}, which is neither a model nor a declared raw source`);
      }
    }
  }
  const done = new Set<string>();
  const visiting: string[] = [];
  const out: T[] = [];
  const visit = (item: T): void => {
    const k = key(item);
    if (done.has(k)) return;
    const at = visiting.indexOf(k);
    if (at >= 0) throw new Error(`Dependency cycle: ${[...visiting.slice(at), k].join(' → ')}`);
    visiting.push(k);
    for (const dep of [...deps(item)].sort()) {
      const next = byKey.get(dep);
      if (next !== undefined) visit(next);
    }
    visiting.pop();
    done.add(k);
    out.push(item);
  };
  const compare = spec.compare ?? ((a: T, b: T) => key(a).localeCompare(key(b)));
  for (const item of [...items].sort(compare)) visit(item);
  return out;
}

const LAYER_RANK: Record<string, number> = { staging: 0, matched: 1, published: 2 };

/**
 * Orders models so each comes after the models it reads (staging first, then matched, then published).
 * Throws a clear error on cycles and on references to models neither in `models` nor in `opts.external`.
 */
export function orderModels(models: readonly ModelDef[], opts: { external?: Iterable<string> } = {}): ModelDef[] {
  return sortByDependencies(models, {
    key: (m) => m.id,
    deps: (m) => m.dependsOn,
    describe: (m) => `Model ${m.id} (${m.path})`,
    external: new Set(opts.external ?? []),
    compare: (a, b) => LAYER_RANK[a.layer] - LAYER_RANK[b.layer] || a.id.localeCompare(b.id),
  });
}
