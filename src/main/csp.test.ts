import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  installContentSecurityPolicy,
  policyDirectives,
  withContentSecurityPolicy,
} from './csp';

describe('CONTENT_SECURITY_POLICY', () => {
  const policy = policyDirectives(CONTENT_SECURITY_POLICY);

  it('allows only our own scripts: no inline script, no eval, nothing remote', () => {
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
  });

  it('keeps everything else to self, with the named exceptions only', () => {
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });

  it('has no source that loosens it anywhere', () => {
    const everything = [...policy.values()].flat();
    for (const loose of [
      "'unsafe-eval'",
      "'wasm-unsafe-eval'",
      "'unsafe-hashes'",
      '*',
      'http:',
      'https:',
      'blob:',
      'ws:',
    ]) {
      expect(everything).not.toContain(loose);
    }
    const inline = [...policy.entries()]
      .filter(([, sources]) => sources.includes("'unsafe-inline'"))
      .map(([name]) => name);
    expect(inline).toEqual(['style-src']);
  });
});

describe('withContentSecurityPolicy', () => {
  it('adds the policy and keeps the other headers', () => {
    const headers = withContentSecurityPolicy({ 'Content-Type': ['text/html'] });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('replaces a policy the response brought, whatever the case of its name', () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ["script-src 'unsafe-eval'"],
      'CONTENT-SECURITY-POLICY': ['default-src *'],
    });
    expect(Object.keys(headers)).toEqual(['Content-Security-Policy']);
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('works when the response has no headers', () => {
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('installContentSecurityPolicy', () => {
  it('answers every response through the session with the policy set', () => {
    let listener:
      Parameters<Parameters<typeof installContentSecurityPolicy>[0]['webRequest']['onHeadersReceived']>[0] | null =
      null;
    installContentSecurityPolicy({ webRequest: { onHeadersReceived: (l) => (listener = l) } });
    const answers: unknown[] = [];
    listener!({ responseHeaders: { Server: ['x'] } }, (response) => answers.push(response));
    expect(answers).toEqual([
      { responseHeaders: { Server: ['x'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } },
    ]);
  });
});

describe('the renderer page', () => {
  it('carries the same policy in its <meta> tag (Chromium skips onHeadersReceived for file://)', () => {
    const html = readFileSync(fileURLToPath(new URL('../renderer/index.html', import.meta.url)), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta, 'src/renderer/index.html has no CSP <meta> tag').not.toBeNull();
    // frame-ancestors is ignored in a <meta> policy, so the page may leave it out.
    const header = policyDirectives(CONTENT_SECURITY_POLICY);
    header.delete('frame-ancestors');
    const page = policyDirectives(meta![1]!);
    page.delete('frame-ancestors');
    expect(Object.fromEntries(page)).toEqual(Object.fromEntries(header));
  });
});
