import type { FormatSpec } from '../spec';

const LEVEL = 'TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE|CONFIG|FINEST|FINER|FINE';

/**
 * log4j / logback / Spring Boot layouts, which differ in order more than in substance:
 *   2024-01-02 13:04:05,123 ERROR [main] com.foo.Bar - msg        (log4j %d %-5p [%t] %c - %m)
 *   2024-01-02 13:04:05.123 [main] ERROR com.foo.Bar - msg        (logback's default, dated)
 *   2015-10-18 18:01:47,978 INFO [main] org.apache.Foo: msg       (Hadoop)
 *   2015-07-29 17:41:44,747 - INFO  [thread:Class@774] - msg      (ZooKeeper)
 *   2024-01-02T13:04:05.123+01:00  INFO 4242 --- [main] o.s.Foo  : msg   (Spring Boot)
 *   17/06/09 20:10:40 INFO executor.Backend: msg                  (Spark)
 * Lines that do not start this way (stack frames, "Caused by:") continue the record.
 */
export const java: FormatSpec = {
  name: 'java',
  title: 'Java (log4j, logback, Spring Boot)',
  kind: 'regex',
  pattern:
    '(?<ts>\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?|\\d{2}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}) +(?:- +)?' +
    `(?:\\[(?<thread__2>[^\\]]*)\\] +)?(?<level>${LEVEL}) +` +
    '(?:(?<pid>\\d+) +--- +(?:\\[(?<app>[^\\]]*)\\] +)?)?(?:\\[ *(?<thread>.*?)\\] +)?' +
    '(?:(?<logger>[A-Za-z_$][\\w$.\\-]*) *(?: - |: ))?(?:- )?(?<message>.*)',
  timestamp: { layouts: ['iso8601', '%y/%m/%d %H:%M:%S'] },
  level: {},
  fieldTypes: { pid: 'integer' },
  multiline: true,
  samples: [
    {
      line: '2024-01-02 13:04:05,123 ERROR [http-nio-8080-exec-1] com.foo.OrderService - order 42 failed\njava.lang.IllegalStateException: no stock\n\tat com.foo.OrderService.place(OrderService.java:87)\n\tat com.foo.Api.post(Api.java:12)\nCaused by: java.io.IOException: timeout\n\t... 2 more',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'error',
      message:
        'order 42 failed\njava.lang.IllegalStateException: no stock\n\tat com.foo.OrderService.place(OrderService.java:87)\n\tat com.foo.Api.post(Api.java:12)\nCaused by: java.io.IOException: timeout\n\t... 2 more',
      fields: { thread: 'http-nio-8080-exec-1', logger: 'com.foo.OrderService' },
    },
    {
      line: '2024-01-02 13:04:05.123 [main] WARN  c.f.config.Loader - no profile set',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'warn',
      message: 'no profile set',
      fields: { thread: 'main', logger: 'c.f.config.Loader' },
    },
    {
      line: '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001',
      ts: '2015-10-18T18:01:47.978Z',
      level: 'info',
      message: 'Created MRAppMaster for application appattempt_1445144423722_0020_000001',
      fields: { thread: 'main', logger: 'org.apache.hadoop.mapreduce.v2.app.MRAppMaster' },
    },
    {
      line: '2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200',
      ts: '2015-07-29T17:41:44.747Z',
      level: 'info',
      message: 'Notification time out: 3200',
      fields: { thread: 'QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774' },
    },
    {
      line: '2024-01-02T13:04:05.123+01:00  INFO 4242 --- [shop] [           main] o.s.b.w.e.tomcat.TomcatWebServer         : Tomcat started on port 8080 (http)',
      ts: '2024-01-02T12:04:05.123Z',
      level: 'info',
      app: 'shop',
      message: 'Tomcat started on port 8080 (http)',
      fields: { pid: 4242, thread: 'main', logger: 'o.s.b.w.e.tomcat.TomcatWebServer' },
    },
    {
      line: '17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]',
      ts: '2017-06-09T20:10:40.000Z',
      level: 'info',
      message: 'Registered signal handlers for [TERM, HUP, INT]',
      fields: { logger: 'executor.CoarseGrainedExecutorBackend' },
    },
  ],
};
