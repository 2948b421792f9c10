/**
 * Enough of Elasticsearch's HTTP API for log shippers that only speak it (Filebeat's and
 * Vector's `elasticsearch` outputs, Fluent Bit's `es`): `POST /_bulk` and
 * `POST /<index>/_bulk` with per-item results in the bulk response's shape, and the probes
 * they send before the first batch — `GET /` (Filebeat and Vector read `version.number`),
 * `/_license` (Filebeat's licence check), `/_xpack` (ILM availability), `/_cluster/health`
 * (Vector's health check) — plus index templates, ILM policies and ingest pipelines,
 * answered as if they existed or were created, so setup steps pass and store nothing.
 */
import { randomBytes } from 'node:crypto';
import type { IngestRecord } from '../../record';
import type { TimeContext } from '../../time';
import { objectToRecord } from './json-records';

export interface BulkItem {
  action: 'index' | 'create' | 'update' | 'delete';
  index: string;
  id: string;
  status: number;
  error?: { type: string; reason: string };
}

export interface BulkResult {
  records: IngestRecord[];
  items: BulkItem[];
}

/** ES's answer to a request it refuses whole, in its error shape. */
export function esError(status: number, type: string, reason: string): Record<string, unknown> {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

export class BulkRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String((body.error as { reason: string }).reason));
  }
}

const ACTIONS = new Set(['index', 'create', 'update', 'delete']);

/** Document ids for documents sent without one: unique per process, ES-like in length. */
const idPrefix = randomBytes(6).toString('base64url');
let idCounter = 0;
function nextId(): string {
  return idPrefix + (idCounter++).toString(36).padStart(8, '0');
}

/**
 * A bulk body into records and one result per action. A malformed action line fails the
 * whole request, as Elasticsearch does (after it, which line is a document is unknown); a
 * document that does not parse fails its own item only.
 */
export function parseBulk(text: string, defaultIndex: string | null, tc: TimeContext): BulkResult {
  const lines = text.split('\n');
  const records: IngestRecord[] = [];
  const items: BulkItem[] = [];
  let i = 0;
  const n = lines.length;
  while (i < n) {
    const actionLine = lines[i]!;
    const lineNo = i + 1;
    i++;
    if (actionLine.trim() === '') continue;
    let action: unknown;
    try {
      action = JSON.parse(actionLine);
    } catch (err) {
      throw malformed(lineNo, `it is not JSON (${(err as Error).message})`);
    }
    if (action === null || typeof action !== 'object' || Array.isArray(action)) throw malformed(lineNo, 'expected START_OBJECT');
    const keys = Object.keys(action);
    const op = keys[0];
    if (keys.length !== 1 || op === undefined || !ACTIONS.has(op)) {
      throw malformed(lineNo, `expected one of index, create, update, delete but found [${keys.join(', ')}]`);
    }
    const meta = (action as Record<string, unknown>)[op];
    const m = meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
    const index = typeof m._index === 'string' ? m._index : defaultIndex;
    const givenId = typeof m._id === 'string' || typeof m._id === 'number' ? String(m._id) : null;
    const item: BulkItem = { action: op as BulkItem['action'], index: index ?? '', id: givenId ?? nextId(), status: 201 };
    items.push(item);
    if (index === null) {
      item.status = 400;
      item.error = { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: index is missing;' };
      if (op !== 'delete') i++;
      continue;
    }
    if (op === 'delete') {
      item.status = 400;
      item.error = { type: 'illegal_argument_exception', reason: 'LogScope keeps logs append-only: delete is not supported' };
      continue;
    }
    if (i >= n || (lines[i]!.trim() === '' && i === n - 1)) {
      item.status = 400;
      item.error = { type: 'illegal_argument_exception', reason: `the ${op} action on line ${lineNo} has no document line after it (body cut short?)` };
      break;
    }
    const sourceLine = lines[i]!;
    const sourceNo = i + 1;
    i++;
    if (op === 'update') {
      item.status = 400;
      item.error = { type: 'illegal_argument_exception', reason: 'LogScope keeps logs append-only: update is not supported' };
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(sourceLine);
    } catch (err) {
      item.status = 400;
      item.error = { type: 'document_parsing_exception', reason: `[${sourceNo}:1] failed to parse: ${(err as Error).message}` };
      continue;
    }
    let rec: IngestRecord;
    try {
      rec = objectToRecord(doc, tc, { text: sourceLine, format: 'elastic_bulk', line: sourceNo });
    } catch (err) {
      item.status = 400;
      item.error = { type: 'document_parsing_exception', reason: `[${sourceNo}:1] ${(err as Error).message}` };
      continue;
    }
    (rec.fields ??= {})._index = index;
    if (givenId !== null) rec.fields._id = givenId;
    records.push(rec);
  }
  return { records, items };
}

function malformed(line: number, why: string): BulkRequestError {
  return new BulkRequestError(400, esError(400, 'illegal_argument_exception', `Malformed action/metadata line [${line}], ${why}`));
}

/** The bulk response, item by item. */
export function bulkResponse(items: BulkItem[], tookMs: number): Record<string, unknown> {
  let errors = false;
  const out = items.map((it) => {
    if (it.error) {
      errors = true;
      return { [it.action]: { _index: it.index, _id: it.id, status: it.status, error: it.error } };
    }
    return {
      [it.action]: {
        _index: it.index,
        _id: it.id,
        _version: 1,
        result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: 0,
        _primary_term: 1,
        status: it.status,
      },
    };
  });
  return { took: tookMs, errors, items: out };
}

/** `GET /`: what Filebeat, Vector and the official clients read to learn the version. */
export function esInfo(version: string): Record<string, unknown> {
  return {
    name: 'logscope',
    cluster_name: 'logscope',
    cluster_uuid: 'bG9nc2NvcGUtbG9jYWw',
    version: {
      number: version,
      build_flavor: 'default',
      build_type: 'logscope',
      build_hash: '0000000000000000000000000000000000000000',
      build_date: '2025-01-01T00:00:00.000Z',
      build_snapshot: false,
      lucene_version: '10.0.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

/** `GET /_license`: a basic licence that is active (Filebeat checks type and status). */
export function esLicense(): Record<string, unknown> {
  return {
    license: {
      status: 'active',
      uid: '6c6f6773-636f-7065-2d6c-6963656e7365',
      type: 'basic',
      issue_date: '2025-01-01T00:00:00.000Z',
      issue_date_in_millis: 1735689600000,
      max_nodes: 1000,
      max_resource_units: null,
      issued_to: 'logscope',
      issuer: 'elasticsearch',
      start_date_in_millis: -1,
    },
  };
}

/** `GET /_xpack`: features a shipper may check before its setup (ILM for Filebeat). */
export function esXpack(): Record<string, unknown> {
  const on = { available: true, enabled: true };
  return {
    build: { hash: '0000000000000000000000000000000000000000', date: '2025-01-01T00:00:00.000Z' },
    license: { uid: '6c6f6773-636f-7065-2d6c-6963656e7365', type: 'basic', mode: 'basic', status: 'active' },
    features: { ilm: on, data_streams: on, security: { available: true, enabled: false }, monitoring: on },
    tagline: 'You know, for X',
  };
}

export function esClusterHealth(): Record<string, unknown> {
  return {
    cluster_name: 'logscope',
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: 1,
    active_shards: 1,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100.0,
  };
}

/** Setup APIs a shipper may call (templates, ILM, pipelines, data streams): accepted, nothing kept. */
export const ES_SETUP_PATH = /^\/_(?:index_template|template|component_template|ilm\/policy|ingest\/pipeline|data_stream)(?:\/[^/]*)?$/;

/** `/_bulk`, `/<index>/_bulk`, `/<index>/<type>/_bulk`: the default index, or null. */
export function bulkPath(path: string): { index: string | null } | null {
  if (path === '/_bulk') return { index: null };
  const m = /^\/([^/_][^/]*)(?:\/[^/]+)?\/_bulk$/.exec(path);
  return m ? { index: decodeURIComponent(m[1]!) } : null;
}
