import type { FormatSpec } from '../spec';

/**
 * Kubernetes container logs as the CRI runtimes write them (/var/log/pods, /var/log/containers).
 * The tag is F for a full line and P for a part of a longer one; parts are kept as they
 * come, with `logtag` saying which they are.
 */
export const criContainer: FormatSpec = {
  name: 'k8s_cri',
  title: 'Kubernetes container log (CRI)',
  kind: 'regex',
  pattern:
    '(?<ts>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})) (?<stream>stdout|stderr) (?<logtag>[PF]) (?<message>.*)',
  timestamp: { layouts: ['iso8601'] },
  samples: [
    {
      line: '2024-01-02T13:04:05.123456789Z stdout F GET /healthz 200',
      ts: '2024-01-02T13:04:05.123Z',
      message: 'GET /healthz 200',
      fields: { stream: 'stdout', logtag: 'F' },
    },
    {
      line: '2024-01-02T13:04:05.5+01:00 stderr P ',
      ts: '2024-01-02T12:04:05.500Z',
      message: '',
      fields: { stream: 'stderr', logtag: 'P' },
    },
  ],
};
