/** The folders of the code commands run. */
export const SOURCE_DIRS: string[];
/** Where the compiled JavaScript is kept (node_modules/.cache/devenir/js). */
export const COMPILED_DIR: string;
/** Brings `out` up to date with the `.ts` files of `dirs` under `root`; the relative paths compiled and removed. */
export function compile(opts?: {
  root?: string;
  out?: string;
  dirs?: string[];
}): Promise<{ compiled: string[]; removed: string[] }>;
/** The URL of the compiled `rel`, compiled first when stale; undefined when the cache cannot be written. */
export function compiledModule(rel: string, out?: string): Promise<string | undefined>;
