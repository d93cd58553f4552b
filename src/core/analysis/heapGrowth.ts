// How far V8 lets the heap grow past what survived its last full collection, for processes
// that run one analysis and exit (the CLI, the benchmark). Not for the extension host: V8's
// flags are the process's, and that process belongs to every extension.
import { setFlagsFromString } from 'node:v8';

/**
 * The heap may grow 35% past what survived the last full collection before the next one
 * starts. Left to itself V8 picks up to 4× while allocation is fast, and an analysis
 * allocates fast: every record's text dies within a batch, so on the 200 MB benchmark the
 * main heap grew to 90–115 MB around 25–45 MB of live data. With 35% its peak RSS fell from
 * 306–338 MB to 251–255 MB in the same time; 20% saved no more and cost 5–10% more time
 * (on 50 MB in 40 generations, 30% more CPU time).
 */
export const HEAP_GROWING_PERCENT = 35;

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/u;

/**
 * The flag to set, or undefined when the user already chose a value (`node
 * --heap-growing-percent=N`, or the same in NODE_OPTIONS).
 */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions = ''): string | undefined {
  const chosen = [...execArgv, ...nodeOptions.split(/\s+/u)].some((a) => FLAG.test(a));
  return chosen ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/**
 * Bounds the heap's growth for the rest of this process (see HEAP_GROWING_PERCENT). V8
 * reads the flag at each full collection, so setting it once the process runs takes effect
 * from the next one, for every thread of the process.
 */
export function limitHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag) setFlagsFromString(flag);
}
