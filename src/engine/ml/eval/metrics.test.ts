import { describe, expect, it } from 'vitest';
import { score } from './metrics';

describe('score', () => {
  it('gives per-label precision, recall, support and a confusion matrix over the labels in the truth or the predictions', () => {
    const s = score(['info', 'info', 'warn', 'error'], ['info', 'warn', 'warn', 'fatal']);
    expect(Object.keys(s.perLabel)).toEqual(['error', 'fatal', 'info', 'warn']);
    expect(s.perLabel.warn).toEqual({ f1: 2 / 3, precision: 0.5, recall: 1, support: 1, predicted: 2 });
    expect(s.perLabel.fatal).toMatchObject({ f1: 0, support: 0, predicted: 1 });
    expect(s.confusion.info).toEqual({ error: 0, fatal: 0, info: 1, warn: 1 });
    expect(s.confusion.error!.fatal).toBe(1);
    // a label only predicted counts in the average (as 0): (0 + 0 + 2/3 + 2/3) / 4
    expect(s.macroF1).toBeCloseTo((4 / 3) / 4, 10);
  });
});
