import type { FormatSpec } from '../spec';

/** Ruby's Logger (Rails' production log): `I, [2024-01-02T13:04:05.123456 #1234]  INFO -- progname: msg`. */
export const rubyLogger: FormatSpec = {
  name: 'ruby_logger',
  title: 'Ruby Logger / Rails',
  kind: 'regex',
  pattern:
    '[DIWEFAU], \\[(?<ts>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?) #(?<pid>\\d+)\\] +(?<level>[A-Z]+) -- (?<app>[^:]*): (?<message>.*)',
  timestamp: { layouts: ['iso8601'] },
  level: {},
  nullValues: [''],
  fieldTypes: { pid: 'integer' },
  multiline: true,
  samples: [
    {
      line: 'I, [2024-01-02T13:04:05.123456 #4242]  INFO -- : [8f3a] Started GET "/orders" for 127.0.0.1 at 2024-01-02 13:04:05 +0000',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'info',
      app: null,
      message: '[8f3a] Started GET "/orders" for 127.0.0.1 at 2024-01-02 13:04:05 +0000',
      fields: { pid: 4242 },
    },
    {
      line: "F, [2024-01-02T13:04:06.000001 #4242] FATAL -- sidekiq: NoMethodError (undefined method `x' for nil):\n  app/models/order.rb:12:in `total'",
      ts: '2024-01-02T13:04:06.000Z',
      level: 'fatal',
      app: 'sidekiq',
      message: "NoMethodError (undefined method `x' for nil):\n  app/models/order.rb:12:in `total'",
      fields: { pid: 4242 },
    },
  ],
};
