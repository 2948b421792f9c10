import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_CHARS, maskToken } from './mask';
import { Scan, tokenize } from './tokenize';

/** The masked token and the values it took. */
function mask(token: string): [string, string[]] {
  const params: string[] = [];
  return [maskToken(token, params), params];
}

describe('masks: one token', () => {
  it.each([
    // numbers, signs, decimals, hex
    ['42', '<*>', ['42']],
    ['-1', '<*>', ['-1']],
    ['auto=-1,', 'auto=<*>,', ['-1']],
    ['0.25', '<*>', ['0.25']],
    ['0x1F,', '<*>,', ['0x1F']],
    ['9f4ef63', '<*>', ['9f4ef63']],
    ['mask=ffffffff', 'mask=<*>', ['ffffffff']],
    ['AppWindowToken{9f4ef63', 'AppWindowToken{<*>', ['9f4ef63']],
    // durations and sizes are one value with their unit
    ['10ms', '<*>', ['10ms']],
    ['1.5GB', '<*>', ['1.5GB']],
    // addresses, with ports
    ['10.251.73.220:50010', '<*>:<*>', ['10.251.73.220', '50010']],
    ['/10.10.34.11:45307', '/<*>:<*>', ['10.10.34.11', '45307']],
    ['[173.234.31.186]', '[<*>]', ['173.234.31.186']],
    ['rhost=218.188.2.4', 'rhost=<*>', ['218.188.2.4']],
    ['fe80::1%eth0', '<*>', ['fe80::1%eth0']],
    ['[::1]:8080', '[<*>]:<*>', ['::1', '8080']],
    ['2001:db8::ff00:42:8329', '<*>', ['2001:db8::ff00:42:8329']],
    ['::ffff:10.0.0.1', '<*>', ['::ffff:10.0.0.1']],
    ['aa:bb:cc:00:11:22', '<*>', ['aa:bb:cc:00:11:22']],
    // (a netfilter MAC= field: destination, source and frame type; one value, however its bytes read)
    ['MAC=ac:6d:96:33:5a:53:d9:c1:19:f4:40:1c:e4:2b', 'MAC=<*>', ['ac:6d:96:33:5a:53:d9:c1:19:f4:40:1c:e4:2b']],
    ['MAC=d0:bc:96:33:5a:53:d9:c1:19:f4:40:1c:08:00', 'MAC=<*>', ['d0:bc:96:33:5a:53:d9:c1:19:f4:40:1c:08:00']],
    // host names where their context says so
    ['proxy.cse.cuhk.edu.hk:5070', '<*>:<*>', ['proxy.cse.cuhk.edu.hk', '5070']],
    ['msra-sa-41:8030', '<*>:<*>', ['msra-sa-41', '8030']],
    ['msra-sa-41/10.190.173.170:8030', '<*>/<*>:<*>', ['msra-sa-41', '10.190.173.170', '8030']],
    // ids, UUIDs, e-mail addresses
    ['123e4567-e89b-12d3-a456-426614174000', '<*>', ['123e4567-e89b-12d3-a456-426614174000']],
    ['john.doe@example.com,', '<*>,', ['john.doe@example.com']],
    ['blk_-6952295868487656571', 'blk_<*>', ['-6952295868487656571']],
    ['attempt_1445144423722_0020_m_000000_0', 'attempt_<*>', ['1445144423722_0020_m_000000_0']],
    [
      'BP-1347369012-10.190.173.170-1445182159119:blk_1073742830_2021',
      'BP-<*>:blk_<*>',
      ['1347369012-10.190.173.170-1445182159119', '1073742830_2021'],
    ],
    ['jA9J1UvC004306:', '<*>:', ['jA9J1UvC004306']],
    ['CPU#1', 'CPU#<*>', ['1']],
    // paths and URLs (the scheme stays)
    ['/etc/httpd/conf/workers2.properties', '<*>', ['/etc/httpd/conf/workers2.properties']],
    ['./run.sh', '<*>', ['./run.sh']],
    ['C:\\Users\\x\\a.txt', '<*>', ['C:\\Users\\x\\a.txt']],
    ['hdfs://msra-sa-41:9000/user', 'hdfs://<*>', ['msra-sa-41:9000/user']],
    ['"https://t.co/23303"', '"https://<*>"', ['t.co/23303']],
    // dates and times
    ['2015-10-18T18:01:47.978Z', '<*>', ['2015-10-18T18:01:47.978Z']],
    ['2015-10-18', '<*>', ['2015-10-18']],
    ['[17/May/2015:08:05:32', '[<*>', ['17/May/2015:08:05:32']],
    ['12:01:01', '<*>:<*>:<*>', ['12', '01', '01']],
    // a literal <*> is a value, so template text never holds one that is not a variable
    ['x<*>y', 'x<*>y', ['<*>']],
  ])('%s → %s', (token, masked, values) => {
    expect(mask(token)).toEqual([masked, values]);
  });

  it.each([
    'dfs.DataNode$PacketResponder:',
    'workers2.properties',
    'jk2_init()',
    'ssh2',
    't761',
    'u0',
    'Win64;',
    'x86_64',
    'log4j2',
    'hadoop-metrics2.properties',
    '/default-rack',
    'std::vector',
    'Foo.java:42)'.replace(':42', ''),
    'state.clipTopAmount',
    'deadbeef'.slice(0, 7),
    'Effaced',
    'retry-count',
    'ERROR',
    'Ünïcödé',
  ])('%s stays as it is', (token) => {
    expect(mask(token)).toEqual([token, []]);
  });

  it('keeps a stack frame a file and a line, and a dotted field a field', () => {
    expect(mask('(Foo.java:42)')).toEqual(['(Foo.java:<*>)', ['42']]);
    expect(mask('state.clipTopAmount:100,')).toEqual(['state.clipTopAmount:<*>,', ['100']]);
    expect(mask('retry-count:10')).toEqual(['retry-count:<*>', ['10']]);
  });

  it('makes junk and over-long tokens one value, whatever they hold', () => {
    expect(mask('ab\u0001cd')).toEqual(['<*>', ['ab\u0001cd']]);
    expect(mask('bad\ufffdbytes')).toEqual(['<*>', ['bad\ufffdbytes']]);
    const long = 'a'.repeat(MAX_TOKEN_CHARS + 1);
    expect(mask(long)).toEqual(['<*>', [long]]);
  });
});

describe('masks: in context', () => {
  it('joins a unit to the number before it', () => {
    expect(tokenize('estimated size 17.5 KB, free 6.1 GB)', 50).masked).toEqual([
      'estimated',
      'size',
      '<*>',
      '<*>,',
      'free',
      '<*>',
      '<*>)',
    ]);
    expect(tokenize('took 12 ms', 50).params).toEqual(['12', 'ms']);
    expect(tokenize('a KB of', 50).masked).toEqual(['a', 'KB', 'of']);
  });

  it('takes month and weekday names next to a day or a time for a date', () => {
    expect(tokenize('at Fri Jun 17 07:07:00 2005', 50).masked).toEqual([
      'at',
      '<*>',
      '<*>',
      '<*>',
      '<*>:<*>:<*>',
      '<*>',
    ]);
    expect(tokenize('on 17 Jun 2005', 50).masked).toEqual(['on', '<*>', '<*>', '<*>']);
    expect(tokenize('Jun was fine', 50).masked).toEqual(['Jun', 'was', 'fine']);
    expect(tokenize('May I', 50).masked).toEqual(['May', 'I']);
  });

  it('splits on any whitespace and keeps values in token order', () => {
    const t = tokenize(' a\t1  x\n2 ', 50);
    expect(t.raw).toEqual(['a', '1', 'x', '2']);
    expect(t.masked).toEqual(['a', '<*>', 'x', '<*>']);
    expect(t.params).toEqual(['1', '2']);
    expect(t.paramEnd).toEqual([0, 1, 1, 2]);
  });

  it('reads at most maxTokens tokens: the rest is one value', () => {
    const t = tokenize('a b c d e f', 3);
    expect(t.truncated).toBe(true);
    expect(t.masked).toEqual(['a', 'b', '<*>']);
    expect(t.params).toEqual(['c d e f']);
  });
});

describe('the scan agrees with the masks', () => {
  // The scan takes short cuts (a memo of tokens, numbers read without the masks): what it
  // finds for a token, values and hash, must be what the masks and tokenHash give.
  const tokens = [
    '200', '10.0.0.1', '1.4.1', '0', '007', '1.', '.5', '1..2', '-5', '+3', '(37', '1,5', '1.5.', '2024-03-10',
    '45.83.170.74', '12:30', '3rd', 'x64', '4f', '1e10', '99999999999999999999', '1_000', '1-2', '.', '..',
  ];
  it.each(tokens)('%s', (token) => {
    const [masked, params] = mask(token);
    const t = tokenize(`word ${token} end`, 50);
    expect(t.masked[1]).toBe(masked);
    expect(t.params).toEqual(params);
    const scan = new Scan();
    scan.scan(`word ${token} end`, 50);
    const [h1, h2] = [scan.t1[1], scan.t2[1]];
    scan.tokenHash(1, scan.valuesFrom(1));
    expect([scan.t1[1], scan.t2[1]]).toEqual([h1, h2]);
  });

  it('gives a token the same values and hash the second time (the memo) as the first', () => {
    const line = 'x AppleWebKit/537.36 Chrome/122.0.0.0 [10/Mar/2024:00:00:00 y';
    const a = new Scan();
    a.scan(line, 50);
    const first = { h1: a.h1, h2: a.h2, params: a.materialize().params };
    a.scan('other words 1 2', 50);
    a.scan(line, 50);
    expect({ h1: a.h1, h2: a.h2, params: a.materialize().params }).toEqual(first);
  });
});
