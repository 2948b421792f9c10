/**
 * Bad input: the miner stays within its caps, keeps its speed and keeps giving every line
 * a template that gives the line back.
 */
import { describe, expect, it } from 'vitest';
import { TemplateMiner } from './miner';

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}
const letters = 'abcdefghijklmnopqrstuvwxyz';
const word = (rnd: (n: number) => number): string =>
  Array.from({ length: 3 + rnd(8) }, () => letters[rnd(26)]).join('');

function filled(template: string, params: string[]): string {
  let i = 0;
  return template
    .replace(/<\*>/g, () => params[i++] ?? '\u0000missing')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}
const normal = (s: string): string => s.split(/\s+/).filter(Boolean).join(' ');

describe('TemplateMiner: bounded on endless streams', () => {
  // (Its speed on such a stream is for bench/miner-memory.ts; tests assert no times.)
  it('keeps to its cap on 30,000 unique random lines, evicting, and says so', () => {
    const rnd = rng(1);
    const miner = new TemplateMiner({ maxTemplates: 1000 });
    const evicted: number[] = [];
    miner.onChange = (c) => {
      if (c.kind === 'evicted') evicted.push(c.id);
    };
    let peak = 0;
    for (let i = 0; i < 30_000; i++) {
      miner.add(Array.from({ length: 2 + rnd(10) }, () => word(rnd)).join(' '));
      if (i % 3_000 === 0) peak = Math.max(peak, miner.stats().memoryBytes);
    }
    const stats = miner.stats();
    expect(stats.lines).toBe(30_000);
    expect(stats.cap).toBe(1000);
    expect(stats.shapes).toBeLessThanOrEqual(1000);
    expect(stats.templates).toBeLessThanOrEqual(1000);
    expect(stats.evicted).toBeGreaterThan(25_000);
    expect(evicted.length).toBeGreaterThan(25_000);
    // Every line was different: nothing merged them (no two differ at one word only often enough).
    expect(stats.templates).toBeGreaterThan(100);
    expect(Math.max(peak, stats.memoryBytes)).toBeLessThan(8 * 1024 * 1024);
  });

  it('gives one-token lines a template each (a word is an event) within the cap', () => {
    const rnd = rng(2);
    const miner = new TemplateMiner({ maxTemplates: 200 });
    const ok = miner.add('LOOKING');
    const following = miner.add('FOLLOWING');
    expect(following.id).not.toBe(ok.id);
    expect(miner.add('LOOKING').id).toBe(ok.id);
    for (let i = 0; i < 20_000; i++) miner.add(word(rnd));
    expect(miner.stats().templates).toBeLessThanOrEqual(200);
    const n = miner.add('12345');
    expect(n.template).toBe('<*>');
    expect(miner.add('678').id).toBe(n.id);
  });
});

describe('TemplateMiner: bad lines', () => {
  // (bounded work: at most maxTokens tokens are read, which the template length shows)
  it('reads a 100,000-character line as at most maxTokens tokens: the tail is one value', () => {
    const rnd = rng(3);
    const miner = new TemplateMiner({ maxTokens: 120 });
    const body = Array.from({ length: 16_000 }, () => word(rnd)).join(' ');
    let line = `prefix ${body}`;
    let last = miner.add(line);
    for (let i = 0; i < 50; i++) last = miner.add((line = `prefix ${body.slice(i)} ${i}`));
    const oneToken = miner.add('x'.repeat(100_000));
    expect(last.template.split(' ').length).toBeLessThanOrEqual(120);
    expect(last.template.length).toBeLessThan(2000);
    expect(filled(last.template, last.params)).toBe(normal(line));
    expect(oneToken.template).toBe('<*>');
    expect(oneToken.params).toEqual(['x'.repeat(100_000)]);
    expect(miner.stats().truncated).toBe(51);
  });

  it('takes binary junk without failing, within its cap, giving every line back', () => {
    const rnd = rng(4);
    const miner = new TemplateMiner({ maxTemplates: 300 });
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + rnd(80) }, () => rnd(256)));
      const line = bytes.toString(rnd(2) ? 'latin1' : 'utf8');
      const r = miner.add(line);
      if (i % 97 === 0) expect(filled(r.template, r.params)).toBe(normal(line));
    }
    const stats = miner.stats();
    expect(stats.shapes).toBeLessThanOrEqual(300);
    // Control characters make a token a value: junk does not fill the templates with junk text.
    for (const t of miner.templates()) expect(t.template).not.toMatch(/[\u0000-\u0008\u000e-\u001f\ufffd]/);
  });

  it('gives an empty or blank message a template of its own', () => {
    const miner = new TemplateMiner();
    const empty = miner.add('');
    expect(empty).toMatchObject({ template: '', params: [], isNew: true });
    expect(miner.add(' \t ').id).toBe(empty.id);
    expect(miner.add('x').id).not.toBe(empty.id);
  });

  it('gives lines of only values a template per length, never one for everything', () => {
    const rnd = rng(5);
    const miner = new TemplateMiner();
    const ids = new Map<number, Set<number>>();
    for (let i = 0; i < 5000; i++) {
      const n = 1 + rnd(8);
      const line = Array.from(
        { length: n },
        () => [String(rnd(1e9)), `10.0.${rnd(255)}.${rnd(255)}`, `${rnd(99)}ms`, '0x' + rnd(1e6).toString(16)][rnd(4)],
      ).join(' ');
      const r = miner.add(line);
      if (!ids.has(n)) ids.set(n, new Set());
      ids.get(n)!.add(r.id);
      expect(filled(r.template, r.params)).toBe(normal(line));
    }
    expect(new Set([...ids.values()].flatMap((s) => [...s])).size).toBeGreaterThanOrEqual(8);
  });
  it('never throws on salads of variables and words, repeated masked tokens included', () => {
    // Found by a seeded stream: a shape taking a pattern's word wildcards beside repeated
    // URLs (equal tokens holding a variable are not keys) stopped lining up with the
    // pattern's keys, and the layout threw.
    const words = ['user', 'login', 'failed', 'from', 'port', '17.5', 'KB', 'Jun', '17', 'Fri', '07:07:00', '2005', 'ms', 'id=42', 'deadbeefcafe', '0x1f', 'a.b.c', '/usr/bin', 'http://x.y/z?q=1', 'e@x.com', '550e8400-e29b-41d4-a716-446655440000', 'fe80::1', '10.0.0.1:80', '12s', '3.5MB', 'B', 'sent'];
    for (let seed = 1; seed <= 12; seed++) {
      const rnd = rng(seed);
      const m = new TemplateMiner();
      for (let i = 0; i < 3000; i++) {
        const n = 1 + rnd(14);
        const line = Array.from({ length: n }, (_, j) => words[rnd(j < 3 ? 6 : words.length)]!).join(rnd(10) === 0 ? '  ' : ' ');
        const r = m.add(line);
        expect(filled(r.template, r.params), `seed ${seed} line ${i + 1}: ${line}`).toBe(normal(line));
      }
    }
    const stuck = new TemplateMiner();
    for (const line of ['user from login http://x.y/z?q=1 http://x.y/z?q=1 http://x.y/z?q=1', 'user from login a.b.c a.b.c a.b.c', 'user from login sent KB ms']) {
      const r = stuck.add(line);
      expect(filled(r.template, r.params)).toBe(normal(line));
    }
  });
});
