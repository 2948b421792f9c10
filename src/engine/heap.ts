import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets its heap grow past what survived the last full collection, in percent.
 * Left alone, V8 sizes the heap for the machine (a limit of ~4 GB here) and an import,
 * which makes garbage fast, ran with a 200–300 MB heap whose live part was ~50 MB
 * (measured mid-import after a full GC): most of the engine's peak memory. At 20 % the
 * heap stays near what is live (64 MiB access log: peak RSS ~610 → ~480 MB) and the
 * import's speed did not change beyond the machine's noise.
 */
export const HEAP_GROWING_PERCENT = 20;

/**
 * Call first thing in a process that hosts the engine (the CLI, the desktop app's engine
 * process). V8 reads this flag each time it sizes the heap after a collection, so setting
 * it at run time works, unlike the heap's limit (--max-old-space-size), which is fixed at
 * start (heap.test.ts checks that it takes effect).
 */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
