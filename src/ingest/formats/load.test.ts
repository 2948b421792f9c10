import { describe, expect, it } from 'vitest';
import { BUILTIN_SPECS } from './builtin';
import { compileFormat } from './compile';
import { FormatLoadError, builtinFormats, checkSamples, loadFormat } from './load';
import type { FormatSpec } from './spec';

/** The problems loadFormat reports for a spec, or [] if it loads. */
function problems(spec: unknown): string[] {
  try {
    loadFormat(spec);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(FormatLoadError);
    return (e as FormatLoadError).problems;
  }
}

/** A small valid format to break one way at a time. */
const base: FormatSpec = {
  name: 'kv_app',
  title: 'Test app',
  kind: 'regex',
  pattern: '(?<ts>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) (?<level>[A-Z]+) status=(?<status>\\d+) (?<message>.*)',
  timestamp: { layouts: ['iso8601'] },
  level: {},
  fieldTypes: { status: 'integer' },
  samples: [
    {
      line: '2024-01-02 13:04:05 WARN status=503 upstream slow',
      ts: '2024-01-02T13:04:05.000Z',
      level: 'warn',
      message: 'upstream slow',
      fields: { status: 503 },
    },
  ],
};
const withSample = (sample: Partial<FormatSpec['samples'][number]>): FormatSpec => ({
  ...base,
  samples: [{ ...base.samples[0]!, ...sample }],
});

describe('built-in formats: the samples are the tests', () => {
  it.each(BUILTIN_SPECS.map((s) => [s.name, s] as const))('%s', (_, spec) => {
    expect(checkSamples(compileFormat(spec))).toEqual([]);
  });

  it('all load through the strict loader, in priority order, plain text last', () => {
    const names = builtinFormats().map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.at(-1)).toBe('text');
    expect(names.indexOf('generic')).toBe(names.length - 2);
    expect(names.indexOf('journald_json')).toBeLessThan(names.indexOf('json'));
    expect(names.indexOf('docker_json')).toBeLessThan(names.indexOf('json'));
    expect(names.indexOf('nginx_error')).toBeLessThan(names.indexOf('go_log'));
    expect(builtinFormats()).toBe(builtinFormats());
  });

  it('yield the promoted columns under their canonical names', () => {
    // PROMOTED_FIELDS in src/engine/store/schema.ts, which src/ingest may not import.
    const yielded = new Set(
      builtinFormats().flatMap((f) => f.spec.samples.flatMap((s) => Object.keys(s.fields ?? {}))),
    );
    for (const name of ['status', 'method', 'path', 'client', 'bytes', 'duration_ms'])
      expect(yielded, name).toContain(name);
  });
});

describe('the loader refuses', () => {
  it('a spec that does not fit the schema, saying where', () => {
    const got = problems({ name: 'Bad Name', kind: 'xml', samples: [] });
    expect(got).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: must be lower-case/),
        expect.stringMatching(/^title: /),
        expect.stringMatching(/^kind: /),
        expect.stringMatching(/^samples: a format needs at least one sample/),
      ]),
    );
  });

  it('a regex format without a pattern, and a pattern on a json format', () => {
    expect(problems({ ...base, pattern: undefined })).toEqual(['pattern: a regex format needs a pattern']);
    expect(problems({ ...base, kind: 'json' })).toContain('pattern: a json format has no pattern');
  });

  it('a pattern that does not compile', () => {
    expect(problems({ ...base, pattern: '(?<ts>\\d+' })).toEqual([
      expect.stringMatching(
        /^pattern does not compile: Invalid regular expression: \/\(\?<ts>\\d\+\/: Unterminated group/,
      ),
    ]);
  });

  it('names that the pattern does not have', () => {
    const got = problems({
      ...base,
      timestamp: { from: ['time'], layouts: ['iso8601'] },
      fieldTypes: { status: 'integer', latency: 'float' },
      expand: { sd: 'logfmt' },
    });
    expect(got).toEqual([
      'timestamp.from: the pattern has no group named "time"',
      'expand.sd: the pattern has no group named "sd"',
      'fieldTypes.latency: the pattern yields no field "latency"',
    ]);
  });

  it('an unknown time layout', () => {
    expect(problems({ ...base, timestamp: { layouts: ['iso8061'] } })).toEqual([
      expect.stringMatching(/^timestamp.layouts: unknown time layout "iso8061"/),
    ]);
  });

  it('other spellings of the promoted columns, and promoted numbers left as text', () => {
    const got = problems({ ...base, pattern: base.pattern!.replace('status>', 'status_code>'), fieldTypes: {} });
    expect(got).toContain('field "status_code": use the canonical name "status", which is stored as its own column');
    expect(problems({ ...base, fieldTypes: {} })).toEqual([
      'field "status" is stored as a number: declare fieldTypes.status: "integer"',
    ]);
  });

  it('a sample the pattern does not match', () => {
    expect(problems(withSample({ line: 'not a log line' }))).toEqual([
      'samples[0]: does not match the pattern: "not a log line"',
    ]);
  });

  it('a sample the pattern matches only part of, showing the part left over', () => {
    const got = problems({
      ...base,
      pattern: '(?<ts>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) (?<level>[A-Z]+) status=(?<status>\\d+)',
    });
    expect(got).toEqual([
      'samples[0]: the pattern matches "2024-01-02 13:04:05 WARN status=503" but not the whole line (unmatched: "" before, " upstream slow" after)',
    ]);
  });

  it('a sample that yields another level, time, message or fields — every problem, with the sample index', () => {
    const spec = {
      ...base,
      samples: [
        base.samples[0]!,
        {
          ...base.samples[0]!,
          level: 'error',
          ts: '2024-01-02T13:04:06Z',
          message: 'upstream',
          fields: { status: '503', extra: 1 },
        },
      ],
    };
    let err: FormatLoadError | undefined;
    try {
      loadFormat(spec);
    } catch (e) {
      err = e as FormatLoadError;
    }
    expect(err?.format).toBe('kv_app');
    expect(err?.problems).toEqual([
      'samples[1]: ts: expected 2024-01-02T13:04:06Z, got 2024-01-02T13:04:05.000Z',
      'samples[1]: level: expected "error", got "warn"',
      'samples[1]: message: expected "upstream", got "upstream slow"',
      'samples[1]: fields.status: expected "503", got 503',
      'samples[1]: fields.extra: expected 1, but the line yields no such field',
    ]);
    expect(err?.message).toMatch(/^format "kv_app" refused:\n {2}- samples\[1\]: ts: expected/);
  });

  it('a sample that yields fields it does not declare', () => {
    expect(problems(withSample({ fields: {} }))).toEqual([
      'samples[0]: fields.status: the line yields 503, which the sample does not declare',
    ]);
  });

  it('a sample silent about time or level when the format reads them', () => {
    expect(problems(withSample({ ts: undefined, level: undefined }))).toEqual([
      'samples[0]: gives no ts: the format reads timestamps, so each sample says which (or null)',
      'samples[0]: gives no level: the format reads levels, so each sample says which (or null)',
    ]);
  });

  it('a sample time that is not a time', () => {
    expect(problems(withSample({ ts: 'yesterday' }))).toEqual(['samples[0]: ts "yesterday" is not an ISO 8601 time']);
  });

  it('a multi-line sample for a single-line format, and continuation lines that would start records', () => {
    const two = '2024-01-02 13:04:05 WARN status=503 upstream slow\n  at frame';
    expect(problems(withSample({ line: two, message: 'upstream slow\n  at frame' }))).toEqual([
      'samples[0]: has several lines but the format is not multiline',
    ]);
    const restarts = '2024-01-02 13:04:05 WARN status=503 upstream slow\n2024-01-02 13:04:05 WARN status=503 again';
    expect(
      problems({
        ...withSample({ line: restarts, message: 'upstream slow\n2024-01-02 13:04:05 WARN status=503 again' }),
        multiline: true,
      }),
    ).toEqual(['samples[0]: line 2 matches the format, so it would start a new record instead of continuing this one']);
  });

  it('a json sample that is not an object or lacks a required key', () => {
    const json: FormatSpec = {
      name: 'j',
      title: 'J',
      kind: 'json',
      require: ['svc'],
      samples: [
        { line: '[1,2]', message: '[1,2]' },
        { line: '{"a":1}', message: '{"a":1}' },
      ],
    };
    expect(problems(json)).toEqual([
      'samples[0]: is not a JSON object: "[1,2]"',
      'samples[1]: lacks the required key(s) svc',
    ]);
  });
});

describe('user formats', () => {
  it('load from JSON text like built-ins, and parse lines', () => {
    const text = JSON.stringify({
      name: 'billing',
      title: 'Billing service',
      kind: 'regex',
      pattern: '\\[(?<ts>[^\\]]+)\\] (?<level>\\w+) (?<app>[\\w-]+): (?<message>.*)',
      timestamp: { layouts: ['%d.%m.%Y %H:%M:%S'] },
      level: { words: { oops: 'error' } },
      samples: [
        {
          line: '[02.01.2024 13:04:05] OOPS billing-api: card declined',
          ts: '2024-01-02T13:04:05Z',
          level: 'error',
          app: 'billing-api',
          message: 'card declined',
          fields: {},
        },
      ],
    });
    const format = loadFormat(JSON.parse(text));
    expect(format.name).toBe('billing');
    expect(format.parse('[02.01.2024 13:04:06] info billing-api: ok')).toMatchObject({
      level: 'info',
      app: 'billing-api',
      message: 'ok',
      ts: Date.parse('2024-01-02T13:04:06Z'),
    });
    expect(format.parse('garbage')).toBeNull();
  });

  it('are refused for an empty or non-object input with a readable message', () => {
    expect(() => loadFormat(null)).toThrow(/^format "\(unnamed\)" refused:/);
    expect(() => loadFormat('nginx')).toThrow(FormatLoadError);
  });
});
