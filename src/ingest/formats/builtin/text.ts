import type { FormatSpec } from '../spec';

/** The last resort: every line is a message. Chosen only when no format fits the source. */
export const plainText: FormatSpec = {
  name: 'text',
  title: 'Plain text',
  kind: 'regex',
  pattern: '(?<message>.*)',
  fallback: true,
  samples: [{ line: 'anything at all: 42 [x]', message: 'anything at all: 42 [x]', fields: {} }],
};
