import { describe, expect, it } from 'vitest';
import { shortError } from './ours';

describe('shortError', () => {
  it('picks the Error line out of a Node stack dump', () => {
    const dump = `node:internal/modules/run_main:123
    triggerUncaughtException(
    ^
Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/compile' imported from /x/explore.ts
    at finalizeResolution (node:internal/modules/esm/resolve:283:11)

Node.js v20.20.2`;
    expect(shortError(dump)).toBe(
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/compile' imported from /x/explore.ts",
    );
    expect(shortError('logscope: error: no such file\n')).toBe('logscope: error: no such file');
    expect(shortError('')).toBe('(no output)');
  });
});
