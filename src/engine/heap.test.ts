import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP_MODULE = fileURLToPath(new URL('./heap.ts', import.meta.url));

/**
 * A child process makes garbage the way an import does (batches that live a while, then
 * die) and reports its largest heap. A child, because the flag changes the process it is
 * set in; `bound` calls boundHeapGrowth first, as the engine's entry points do.
 */
function peakHeapMb(bound: boolean): number {
  const script = `
    import { boundHeapGrowth } from ${JSON.stringify(HEAP_MODULE)};
    if (${bound}) boundHeapGrowth();
    let peak = 0; const live = [];
    for (let r = 0; r < 60; r++) {
      const batch = [];
      for (let i = 0; i < 50000; i++) batch.push({ s: 'line ' + i + ' ' + r, n: i });
      live.push(batch);
      if (live.length > 5) live.shift();
      peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    process.stdout.write(String(peak / 1048576));`;
  return Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('boundHeapGrowth', () => {
  it('keeps a garbage-making process’s heap near its live size, though set after start', () => {
    const free = peakHeapMb(false);
    const bounded = peakHeapMb(true);
    // Measured: ~175 MB free, ~90 MB bounded (the live part is ~60 MB).
    expect(bounded).toBeLessThan(free * 0.75);
  });
});
