import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURES, featureWords, featurize, padBatch } from './features';

describe('features', () => {
  it('are the same for the same text, every time', () => {
    const a = featurize('Failed password for invalid user admin from 10.0.0.1 port 22 ssh2');
    const b = featurize('Failed password for invalid user admin from 10.0.0.1 port 22 ssh2');
    expect([...a.indices]).toEqual([...b.indices]);
    expect([...a.weights]).toEqual([...b.weights]);
  });

  it('mask values, so a raw line and its template read the same', () => {
    const line = featurize('Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6');
    const template = featurize('Received block blk_<*> of size <*> from /<*>');
    expect([...line.indices]).toEqual([...template.indices]);
    expect(featureWords('eth0 up at 192.168.1.1:8080 after 12ms')).toEqual(['eth', 'up', 'at', '<*>', '<*>', 'after', '<*>']);
  });

  it('split identifiers into words', () => {
    expect(featureWords('NameSystem.addStoredBlock: HTTPServer started')).toEqual(['name', 'system', 'add', 'stored', 'block', 'http', 'server', 'started']);
  });

  it('give a text with no words one feature of its own, and never a NaN', () => {
    for (const text of ['', '   ', '12345 0x1f 10.0.0.1', '<*> <*>', '!!!']) {
      const f = featurize(text);
      expect(f.indices.length).toBeGreaterThan(0);
      for (const w of f.weights) expect(Number.isFinite(w)).toBe(true);
    }
    expect([...featurize('').indices]).toEqual([...featurize('!!!').indices]);
  });

  it('stay within the buckets, distinct, and of unit length', () => {
    const f = featurize('ERROR: deadlock detected while waiting for ShareLock on transaction 5678'.repeat(20));
    expect(new Set(f.indices).size).toBe(f.indices.length);
    for (const i of f.indices) expect(i >= 0 && i < DEFAULT_FEATURES.buckets).toBe(true);
    const norm = Math.sqrt([...f.weights].reduce((s, w) => s + w * w, 0));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('pad a batch with weight-0 slots', () => {
    const b = padBatch([featurize('a b c'), featurize('')]);
    expect(b.batch).toBe(2);
    expect(b.indices.length).toBe(2 * b.width);
    const second = [...b.weights.slice(b.width)];
    expect(second.filter((w) => w !== 0).length).toBe(1);
  });
});
