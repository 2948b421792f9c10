/**
 * GELF over HTTP (`POST /gelf`), as Graylog's GELF HTTP input takes it: one GELF JSON
 * message per request (gzip or deflate allowed), or several, one per line or as an array.
 * Each message goes through the GELF decoder the UDP/TCP receivers use
 * (src/ingest/sources/gelf/decode.ts), so GELF reads the same whatever carried it.
 */
import type { IngestRecord } from '../../record';
import type { TimeContext } from '../../time';
import { gelfToRecord } from '../gelf/decode';
import { parseJsonBody, type DecodedBatch } from './json-body';

/** A GELF JSON object into a record; throws (with why) on a message that is not GELF. */
export type GelfDecoder = (obj: unknown) => IngestRecord;

/** The shared GELF decoder, as a GelfDecoder. */
export const decodeGelfObject: GelfDecoder = (obj) => {
  const r = gelfToRecord(obj, 1);
  if (!r.ok) throw new Error(r.error);
  return r.record;
};

export function decodeGelfBody(text: string, tc: TimeContext, decode: GelfDecoder = decodeGelfObject): DecodedBatch {
  return parseJsonBody(text, tc, {
    format: 'gelf',
    map: (v, _tc, _text, n) => {
      const rec = decode(v);
      rec.line = n;
      return rec;
    },
  });
}
