/**
 * The receiver's counters per endpoint, and `/metrics` in the Prometheus text format
 * (version 0.0.4). Counter names follow LiveSourceStatus's keys — received, stored,
 * rejected, dropped — as `logscope_<key>_records_total`; the engine's own figures (queue
 * depth, commit latency, committed rows) come from a callback so /metrics shows both.
 */

export const ENDPOINTS = ['ingest', 'otlp', 'loki', 'elastic', 'gelf'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export interface EndpointCounters {
  /** Records decoded from requests (stored + rejected + dropped). */
  received: number;
  /** Records committed to the store. */
  stored: number;
  /** Records refused as malformed (the sender was told which and why). */
  rejected: number;
  /** Records decoded but not stored because the store failed (the sender got a 5xx). */
  dropped: number;
  /** Requests answered 429/503 because the store was behind (their bodies were not read). */
  throttled: number;
  /** Requests by status code. */
  requests: Map<number, number>;
  /** Body bytes read (before decompression). */
  bytes: number;
}

/** What the engine adds to /health and /metrics; any figure may be missing. */
export interface EngineFigures {
  /** Rows waiting in the writer's queue. */
  queueDepth?: number;
  /** The queue's bound, at which receivers answer 429. */
  queueCapacity?: number;
  /** How long the last commit took, in ms. */
  lastCommitMs?: number;
  /** Rows committed since the engine started, from every source. */
  committedRows?: number;
  /** Commits since the engine started. */
  commits?: number;
}

export class ReceiverMetrics {
  readonly endpoints = new Map<Endpoint, EndpointCounters>(
    ENDPOINTS.map((e) => [e, { received: 0, stored: 0, rejected: 0, dropped: 0, throttled: 0, requests: new Map(), bytes: 0 }]),
  );
  /** Requests that matched no endpoint, or were refused before one was chosen (auth, origin). */
  other = new Map<number, number>();

  of(e: Endpoint): EndpointCounters {
    return this.endpoints.get(e)!;
  }

  request(e: Endpoint | null, status: number): void {
    const m = e ? this.of(e).requests : this.other;
    m.set(status, (m.get(status) ?? 0) + 1);
  }

  totals(): { received: number; stored: number; rejected: number; dropped: number } {
    let received = 0;
    let stored = 0;
    let rejected = 0;
    let dropped = 0;
    for (const c of this.endpoints.values()) {
      received += c.received;
      stored += c.stored;
      rejected += c.rejected;
      dropped += c.dropped;
    }
    return { received, stored, rejected, dropped };
  }

  /** The JSON of /health: counters per endpoint. */
  toJson(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [e, c] of this.endpoints) {
      out[e] = {
        received: c.received,
        stored: c.stored,
        rejected: c.rejected,
        dropped: c.dropped,
        throttled: c.throttled,
        bytes: c.bytes,
        requests: Object.fromEntries([...c.requests].sort((a, b) => a[0] - b[0])),
      };
    }
    return out;
  }

  prometheus(source: string, engine: EngineFigures | null): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, get: (c: EndpointCounters) => number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [e, c] of this.endpoints) lines.push(`${name}{source="${source}",endpoint="${e}"} ${get(c)}`);
    };
    counter('logscope_received_records_total', 'Records decoded from HTTP requests.', (c) => c.received);
    counter('logscope_stored_records_total', 'Records committed to the store (acknowledged to the sender).', (c) => c.stored);
    counter('logscope_rejected_records_total', 'Records refused as malformed; the sender was told which and why.', (c) => c.rejected);
    counter('logscope_dropped_records_total', 'Records decoded but not stored because the store failed; the sender got a 5xx.', (c) => c.dropped);
    counter('logscope_throttled_requests_total', 'Requests answered 429/503 because the store was behind.', (c) => c.throttled);
    counter('logscope_http_received_bytes_total', 'Request body bytes read, before decompression.', (c) => c.bytes);
    lines.push('# HELP logscope_http_requests_total HTTP requests by endpoint and status code.', '# TYPE logscope_http_requests_total counter');
    for (const [e, c] of this.endpoints) {
      for (const [code, n] of [...c.requests].sort((a, b) => a[0] - b[0])) {
        lines.push(`logscope_http_requests_total{source="${source}",endpoint="${e}",code="${code}"} ${n}`);
      }
    }
    for (const [code, n] of [...this.other].sort((a, b) => a[0] - b[0])) {
      lines.push(`logscope_http_requests_total{source="${source}",endpoint="other",code="${code}"} ${n}`);
    }
    if (engine) {
      const gauge = (name: string, help: string, v: number | undefined, type = 'gauge') => {
        if (v === undefined || !Number.isFinite(v)) return;
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${v}`);
      };
      gauge('logscope_queue_depth_rows', "Rows waiting in the store writer's queue.", engine.queueDepth);
      gauge('logscope_queue_capacity_rows', 'Queue depth at which receivers answer 429.', engine.queueCapacity);
      gauge('logscope_commit_latency_seconds', 'Duration of the last commit.', engine.lastCommitMs === undefined ? undefined : engine.lastCommitMs / 1000);
      gauge('logscope_committed_rows_total', 'Rows committed by the store since the engine started.', engine.committedRows, 'counter');
      gauge('logscope_commits_total', 'Commits since the engine started.', engine.commits, 'counter');
    }
    return lines.join('\n') + '\n';
  }
}
