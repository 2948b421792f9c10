import { describe, expect, it } from 'vitest';
import { featureWords } from './features';
import { lexiconGroups, stem } from './lexicon';

const groups = (text: string) => lexiconGroups(featureWords(text).map(stem));

describe('stems', () => {
  it('bring the forms of a word together', () => {
    for (const [words, s] of [
      [['connect', 'connected', 'connecting', 'connections'], 'connect'],
      [['retry', 'retries', 'retried', 'retrying'], 'retry'],
      [['stop', 'stopped', 'stopping'], 'stop'],
      [['close', 'closed', 'closes', 'closing'], 'clos'],
      [['fail', 'failed', 'failure', 'failures'], 'fail'],
    ] as const) {
      for (const w of words) expect(stem(w), w).toBe(s);
    }
  });

  it('leave short words, -ss and -us words alone', () => {
    for (const w of ['disk', 'port', 'access', 'process', 'status', 'address', '<*>']) expect(stem(w)).toBe(w);
  });
});

describe('lexicon groups', () => {
  it('name the subsystem and severity words a line uses, phrases included', () => {
    expect(groups('connect() to 10.0.0.1:5432 failed: Connection refused')).toEqual(expect.arrayContaining(['net', 'err']));
    expect(groups('Out of memory: Killed process 812 (java)')).toEqual(expect.arrayContaining(['res', 'fatal']));
    expect(groups('upstream timed out, will retry')).toEqual(expect.arrayContaining(['warn', 'net']));
    expect(groups('Failed password for root from 10.0.0.1')).toContain('sec');
    expect(groups('ERROR: deadlock detected in transaction 5678')).toContain('db');
  });

  it('read a negation as the word not', () => {
    expect(featureWords("Can't find child 12 in table")).toEqual(['cannot', 'find', 'child', '<*>', 'in', 'table']);
    expect(featureWords("didn't answer")).toEqual(['did', 'not', 'answer']);
    expect(groups('no such file')).toContain('neg');
  });

  it('give nothing for a text with no known word, and each group once', () => {
    expect(groups('qwzx blorp')).toEqual([]);
    const g = groups('error error error failed failure');
    expect(new Set(g).size).toBe(g.length);
  });
});
