import { describe, expect, it } from 'vitest';
import { isExternalHttpUrl } from './shell-contract';

describe('isExternalHttpUrl', () => {
  it('accepts absolute http and https URLs', () => {
    for (const url of ['https://example.com', 'http://localhost:8080/x?y#z', 'HTTPS://EXAMPLE.COM/']) {
      expect(isExternalHttpUrl(url)).toBe(true);
    }
  });

  it('refuses every other scheme, relative URLs and non-strings', () => {
    const refused = [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>',
      'vbscript:x',
      'smb://host/share',
      'ms-msdt:/id',
      'mailto:a@b.c',
      '//example.com',
      '/relative',
      'https:',
      '',
      'x'.repeat(10_000),
      `https://example.com/${'a'.repeat(9000)}`,
      42,
      null,
      undefined,
      { toString: () => 'https://example.com' },
    ];
    for (const url of refused) expect(isExternalHttpUrl(url)).toBe(false);
  });
});
