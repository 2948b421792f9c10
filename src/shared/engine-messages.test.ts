import { describe, expect, it } from 'vitest';
import { MAX_PATHS, MainToEngineSchema, parseEngineMessage } from './engine-messages';

describe('parseEngineMessage', () => {
  it('accepts the engine messages', () => {
    expect(parseEngineMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseEngineMessage({ type: 'closed' })).toEqual({ type: 'closed' });
    expect(parseEngineMessage({ type: 'notify', title: 'T', body: 'B' })).toEqual({
      type: 'notify',
      title: 'T',
      body: 'B',
      topic: 'alert',
    });
    const target = { view: 'explore', query: 'source:"/var/log/app.log"' };
    expect(parseEngineMessage({ type: 'notify', title: 'T', body: '', topic: 'import', target })).toMatchObject({
      topic: 'import',
      target,
    });
    const alertTarget = { view: 'explore', query: 'host:web-1', from: 1_700_000_000_000, to: 1_700_000_060_000 };
    expect(parseEngineMessage({ type: 'notify', title: 'T', body: '', topic: 'alert', target: alertTarget })).toMatchObject({ target: alertTarget });
    expect(parseEngineMessage({ type: 'alerts', open: 3 })).toEqual({ type: 'alerts', open: 3 });
    const settings = {
      type: 'settings',
      theme: 'dark',
      notifications: { enabled: true, doNotDisturb: true, imports: true, receivers: false },
    };
    expect(parseEngineMessage(settings)).toEqual(settings);
  });

  it('rejects a notification target, alert count or settings that are not well-formed', () => {
    for (const raw of [
      { type: 'notify', title: 'T', body: 'B', target: { view: '../../etc' } },
      { type: 'notify', title: 'T', body: 'B', target: { query: 'x' } },
      { type: 'notify', title: 'T', body: 'B', target: { view: 'explore', from: 'now' } },
      { type: 'notify', title: 'T', body: 'B', topic: 'spam' },
      { type: 'alerts', open: -1 },
      { type: 'alerts', open: 1.5 },
      { type: 'alerts' },
      { type: 'settings', theme: 'pink', notifications: {} },
    ]) {
      expect(parseEngineMessage(raw), JSON.stringify(raw)).toBeNull();
    }
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
  it('accepts connect, shutdown, import and follow with paths', () => {
    for (const msg of [
      { type: 'connect' },
      { type: 'shutdown' },
      { type: 'import', paths: ['/a.log'] },
      { type: 'follow', paths: ['/var/log/syslog'] },
    ]) {
      expect(MainToEngineSchema.safeParse(msg).success).toBe(true);
    }
  });

  it('rejects an import without paths', () => {
    for (const msg of [
      { type: 'import' },
      { type: 'import', paths: [] },
      { type: 'import', paths: [''] },
      { type: 'import', paths: Array.from({ length: MAX_PATHS + 1 }, (_, i) => `/f${i}.log`) },
      { type: 'follow', paths: [] },
    ]) {
      expect(MainToEngineSchema.safeParse(msg).success).toBe(false);
    }
  });
});
