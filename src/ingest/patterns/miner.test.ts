import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateMiner, type TemplateChange } from './miner';

/** The template with its `<*>` filled by the params, as tokens. */
function filled(template: string, params: string[]): string[] {
  let i = 0;
  return tokens(template.replace(/<\*>/g, () => params[i++] ?? '\u0000missing'));
}
const tokens = (s: string): string[] => s.split(/\s+/).filter(Boolean);
const holes = (template: string): number => template.split('<*>').length - 1;

function withChanges(opts: ConstructorParameters<typeof TemplateMiner>[0] = {}): {
  miner: TemplateMiner;
  changes: TemplateChange[];
} {
  const changes: TemplateChange[] = [];
  return { miner: new TemplateMiner({ ...opts, onChange: (c) => changes.push(c) }), changes };
}

describe('TemplateMiner: grouping', () => {
  it('gives the lines of one event one id and a template with their values as <*>', () => {
    const miner = new TemplateMiner();
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const ids = users.map((u, i) => miner.add(`Accepted password for ${u} from 10.0.0.${i} port ${2200 + i} ssh2`).id);
    const last = miner.add('Accepted password for grace from 10.1.1.1 port 22 ssh2');
    expect(last.template).toBe('Accepted password for <*> from <*> port <*> ssh2');
    expect(last.params).toEqual(['grace', '10.1.1.1', '22']);
    expect(last.isNew).toBe(false);
    expect(last.id).toBe(ids[0]);
    expect(miner.templates()).toHaveLength(1);
    expect(miner.get(last.id)).toEqual({ id: last.id, template: last.template, count: 7 });
  });

  it('keeps apart events that differ in a word (few values there: words of the event, not values)', () => {
    const miner = new TemplateMiner();
    const opened = miner.add('session opened for user root');
    const closed = miner.add('session closed for user root');
    const https = miner.add('chrome.exe open through proxy HTTPS');
    const socks = miner.add('chrome.exe open through proxy SOCKS5');
    expect(new Set([opened.id, closed.id, https.id, socks.id]).size).toBe(4);
    expect(opened.isNew && closed.isNew).toBe(true);
  });

  it('takes a word with digits for a value at once (tty2, tty3)', () => {
    const miner = new TemplateMiner();
    const a = miner.add('ROOT LOGIN ON tty2 accepted');
    const b = miner.add('ROOT LOGIN ON tty3 accepted');
    expect(b.id).toBe(a.id);
    expect(b.template).toBe('ROOT LOGIN ON <*> accepted');
    expect(b.params).toEqual(['tty3']);
  });

  it('keeps what varying words have in common around the variable part', () => {
    const miner = new TemplateMiner();
    for (const n of ['A8', 'B3', 'C1'])
      miner.add(`data_thread() got not answer from any [Thunderbird_${n}] datasource`);
    const r = miner.add('data_thread() got not answer from any [Thunderbird_D9] datasource');
    expect(r.template).toBe('data_thread() got not answer from any [Thunderbird_<*>] datasource');
    expect(r.params).toEqual(['D9']);
  });

  it('unites lines whose values vary in length: an optional value, a list', () => {
    const miner = new TemplateMiner();
    const a = miner.add('chrome.exe close, 403 bytes sent, 5 bytes received, lifetime 00:02');
    const b = miner.add('chrome.exe close, 1 bytes (1.2 KB) sent, 5 bytes received, lifetime <1 sec');
    expect(b.id).toBe(a.id);
    expect(filled(b.template, b.params)).toEqual(
      tokens('chrome.exe close, 1 bytes (1.2 KB) sent, 5 bytes received, lifetime <1 sec'),
    );
    const c = miner.add('ask 10.0.0.1:50010 to delete blk_1 blk_2 blk_3');
    const d = miner.add('ask 10.0.0.2:50010 to delete blk_4');
    expect(d.id).toBe(c.id);
    expect(filled(d.template, d.params)).toEqual(tokens('ask 10.0.0.2:50010 to delete blk_4'));
  });

  it('never merges everything: lines of different words and lengths stay different templates', () => {
    const miner = new TemplateMiner();
    let seed = 42;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const vocabulary = Array.from({ length: 5000 }, (_, i) =>
      `w${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 26) % 26]}${'aeiou'[Math.floor(i / 676) % 5]}`.replace(
        /\d/g,
        '',
      ),
    );
    const ids = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const line = Array.from({ length: 3 + rnd(10) }, () => vocabulary[rnd(vocabulary.length)]).join(' ');
      ids.add(miner.add(line).id);
    }
    expect(ids.size).toBeGreaterThan(900);
    // Lines of values only: one template per length, not one for all.
    for (let n = 1; n <= 6; n++)
      for (let k = 0; k < 20; k++) ids.add(miner.add(Array.from({ length: n }, () => rnd(1e6)).join(' ')).id);
    expect(miner.templates().filter((t) => /^(<\*> ?)+$/.test(t.template))).toHaveLength(6);
  });
});

describe('TemplateMiner: ids stay stable as templates generalise', () => {
  it('merges siblings into the oldest id and reports each merge', () => {
    const { miner, changes } = withChanges();
    const first = miner.add('user alice logged in from console');
    const second = miner.add('user bob logged in from console');
    const third = miner.add('user carol logged in from console');
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);
    const fourth = miner.add('user dave logged in from console');
    expect(fourth.id).toBe(first.id);
    expect(fourth.template).toBe('user <*> logged in from console');
    expect(changes).toContainEqual({
      kind: 'merged',
      from: second.id,
      into: first.id,
      template: 'user <*> logged in from console',
    });
    expect(changes).toContainEqual({
      kind: 'merged',
      from: third.id,
      into: first.id,
      template: 'user <*> logged in from console',
    });
    expect(changes).toContainEqual({ kind: 'generalised', id: first.id, template: 'user <*> logged in from console' });
    // The merged ids are gone; their lines come to the survivor.
    expect(miner.get(second.id)).toBeUndefined();
    expect(miner.add('user bob logged in from console').id).toBe(first.id);
    expect(miner.get(first.id)!.count).toBe(5);
    expect(miner.stats().merged).toBeGreaterThanOrEqual(2);
  });

  it('reports every change with a live survivor, through chains of merges', () => {
    const { miner, changes } = withChanges();
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const users = Array.from({ length: 30 }, (_, i) => `u${'abcdefghij'[i % 10]}${'klmnopqrst'[Math.floor(i / 10)]}`);
    for (let i = 0; i < 3000; i++) {
      const u = users[rnd(users.length)];
      const v = ['read', 'write', 'open', 'close', 'seek'][rnd(5)];
      miner.add(rnd(2) ? `worker ${u} did ${v} on disk` : `worker ${u} did ${v} on disk after retry`);
    }
    const live = new Set(miner.templates().map((t) => t.id));
    const into = new Map<number, number>();
    for (const c of changes) if (c.kind === 'merged') into.set(c.from, c.into);
    for (const from of into.keys()) {
      let id = from;
      while (into.has(id)) id = into.get(id)!;
      expect(live.has(id)).toBe(true);
    }
  });
});

describe('TemplateMiner: template + params give the message back', () => {
  const word = fc.constantFrom(
    'error',
    'user',
    'connect',
    'to',
    'from',
    'failed',
    'ok',
    'GET',
    'session',
    'opened',
    'ssh2',
    'x86_64',
    'tty2',
  );
  const value = fc.oneof(
    fc.integer({ min: -100000, max: 100000 }).map(String),
    fc.ipV4(),
    fc.ipV6(),
    fc.uuid(),
    fc.emailAddress(),
    fc.webUrl(),
    fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => `${f.toFixed(2)}ms`),
    fc.stringMatching(/^[0-9a-f]{6,12}$/),
    fc.constantFrom(
      '/var/log/syslog',
      '/a/b/c.txt',
      'C:\\x\\y',
      '2024-03-10T12:00:00Z',
      '12:01:02',
      'blk_-123',
      '<*>',
      'Jun',
      '17',
      'KB',
    ),
  );
  const token = fc.oneof(
    word,
    value,
    fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/\s/.test(s)),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).filter((s) => !/\s/.test(s)),
  );
  const line = fc
    .tuple(fc.array(token, { minLength: 1, maxLength: 14 }), fc.constantFrom(' ', '  ', '\t'))
    .map(([ts, sep]) => ts.join(sep));

  it('fills back to the same tokens, for every message of any stream', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), fc.integer({ min: 16, max: 64 }), (lines, cap) => {
        const miner = new TemplateMiner({ maxTemplates: cap, maxTokens: 10 });
        for (const l of lines) {
          const r = miner.add(l);
          expect(holes(r.template)).toBe(r.params.length);
          expect(filled(r.template, r.params)).toEqual(tokens(l));
          expect(miner.get(r.id)?.template).toBe(r.template);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does so for lines of one event that generalise while they come', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('alice', 'bob', 'carol', 'dave', 'eve', 'root'), fc.ipV4(), fc.nat(65535)), {
          minLength: 1,
          maxLength: 40,
        }),
        (rows) => {
          const miner = new TemplateMiner();
          for (const [u, ip, port] of rows) {
            const l = `Failed password for ${u} from ${ip} port ${port} ssh2`;
            const r = miner.add(l);
            expect(filled(r.template, r.params)).toEqual(tokens(l));
          }
        },
      ),
    );
  });
});

describe('TemplateMiner: saved state', () => {
  const lines = [
    'user alice logged in from console',
    'user bob logged in from console',
    'user carol logged in from console',
    'disk /dev/sda1 is 91% full',
    'chrome.exe close, 403 bytes sent, lifetime 00:02',
    'chrome.exe close, 1 bytes (1.2 KB) sent, lifetime <1 sec',
    'session opened for user root',
  ];

  it('restores to a miner that goes on as the saved one would', () => {
    const a = new TemplateMiner();
    for (const l of lines) a.add(l);
    const b = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(b.templates()).toEqual(a.templates());
    expect(b.stats().lines).toBe(a.stats().lines);
    for (const l of [
      ...lines,
      'user dave logged in from console',
      'user erin logged in from console',
      'session closed for user root',
    ]) {
      expect(b.add(l)).toEqual(a.add(l));
    }
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('refuses a state it cannot read, saying what is wrong', () => {
    expect(() => TemplateMiner.fromJSON({ version: 99 })).toThrow();
    const state = new TemplateMiner().toJSON();
    expect(() => TemplateMiner.fromJSON({ ...state, nextId: 0 })).toThrow(/nextId/);
    const a = new TemplateMiner();
    a.add('x y z');
    const twice = a.toJSON();
    twice.patterns.push(twice.patterns[0]!);
    expect(() => TemplateMiner.fromJSON(twice)).toThrow(/twice/);
  });
});
