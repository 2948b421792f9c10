import { describe, expect, it } from 'vitest';
import { MainToEngineSchema, parseEngineMessage } from './engine-messages';

describe('parseEngineMessage', () => {
  it('accepts the three engine messages', () => {
    expect(parseEngineMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseEngineMessage({ type: 'closed' })).toEqual({ type: 'closed' });
    expect(parseEngineMessage({ type: 'notify', title: 'T', body: 'B' })).toEqual({
      type: 'notify',
      title: 'T',
      body: 'B',
    });
  });

  it('rejects anything else', () => {
    for (const raw of [
      null,
      'ready',
      42,
      {},
      { type: 'READY' },
      { type: 'notify', title: '', body: 'x' },
      { type: 'notify', title: 'x' },
      { type: 'connect' },
    ]) {
      expect(parseEngineMessage(raw)).toBeNull();
    }
  });

  it('cuts over-long notification text instead of dropping the notification', () => {
    const message = parseEngineMessage({ type: 'notify', title: 't'.repeat(1000), body: 'b'.repeat(10_000) });
    expect(message?.type).toBe('notify');
    if (message?.type !== 'notify') return;
    expect(message.title.length).toBe(200);
    expect(message.title.endsWith('…')).toBe(true);
    expect(message.body.length).toBe(2000);
  });
});

describe('MainToEngineSchema (for the engine side)', () => {
  it('accepts connect, shutdown and import with paths', () => {
    for (const msg of [{ type: 'connect' }, { type: 'shutdown' }, { type: 'import', paths: ['/a.log'] }]) {
      expect(MainToEngineSchema.safeParse(msg).success).toBe(true);
    }
  });

  it('rejects an import without paths', () => {
    for (const msg of [{ type: 'import' }, { type: 'import', paths: [] }, { type: 'import', paths: [''] }]) {
      expect(MainToEngineSchema.safeParse(msg).success).toBe(false);
    }
  });
});
