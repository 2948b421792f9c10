import type { FormatSpec } from '../spec';

/** Docker's json-file driver (/var/lib/docker/containers/<id>/<id>-json.log). */
export const dockerJson: FormatSpec = {
  name: 'docker_json',
  title: 'Docker json-file container log',
  kind: 'json',
  require: ['log', 'stream'],
  timestamp: { from: ['time'], layouts: ['iso8601'] },
  message: ['log'],
  samples: [
    {
      line: '{"log":"GET /health 200\\n","stream":"stdout","time":"2024-01-02T13:04:05.123456789Z"}',
      ts: '2024-01-02T13:04:05.123Z',
      message: 'GET /health 200',
      fields: { stream: 'stdout' },
    },
    {
      line: '{"log":"panic: boom\\n","stream":"stderr","attrs":{"tag":"api"},"time":"2024-01-02T13:04:06Z"}',
      ts: '2024-01-02T13:04:06.000Z',
      message: 'panic: boom',
      fields: { stream: 'stderr', 'attrs.tag': 'api' },
    },
  ],
};
