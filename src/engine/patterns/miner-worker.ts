/**
 * The template miner in a worker thread (entry point; the client is miner-client.ts). The
 * miner's state lives here and only here, so ids are handed out by one thread in one
 * order: batches are mined in the order they arrive, and the changes a batch causes
 * (merges, generalisations, evictions) are posted before its result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TemplateMiner } from '../../ingest/patterns/miner';
import type { FromWorker, MinerWorkerData, ToWorker } from './miner-wire';
import { unpackStrings } from './miner-wire';

const port = parentPort;
if (!port) throw new Error('miner-worker.ts runs as a worker thread (see miner-client.ts)');
const post = (m: FromWorker): void => port.postMessage(m);

const data = workerData as MinerWorkerData;
let miner: TemplateMiner;
try {
  miner = data.state ? TemplateMiner.fromJSON(data.state) : new TemplateMiner(data.options);
  miner.onChange = (change) => post({ type: 'change', change });
  post({ type: 'ready', templates: miner.templates().map((t) => [t.id, t.template]) });
} catch (err) {
  post({ type: 'failed', seq: null, message: `the miner's state could not be loaded: ${(err as Error).message}` });
  port.close();
}

port.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'mine') {
      const r = mine(m.seq, unpackStrings(m.text, m.lengths));
      port.postMessage(r, [r.ids.buffer, r.paramLengths.buffer, r.paramCounts.buffer]);
    }
    else if (m.type === 'save') post({ type: 'saved', seq: m.seq, state: miner.toJSON() });
    else if (m.type === 'stats') post({ type: 'stats', seq: m.seq, stats: miner.stats() });
  } catch (err) {
    post({ type: 'failed', seq: m.seq, message: (err as Error).message });
  }
});

function mine(seq: number, messages: string[]): Extract<FromWorker, { type: 'mined' }> {
  const ids = new Uint32Array(messages.length);
  const paramCounts = new Uint32Array(messages.length);
  const params: string[] = [];
  const created: number[] = [];
  for (let i = 0; i < messages.length; i++) {
    const r = miner.add(messages[i]!);
    ids[i] = r.id;
    paramCounts[i] = r.params.length;
    for (const p of r.params) params.push(p);
    if (r.isNew) created.push(r.id);
  }
  const paramLengths = new Uint32Array(params.length);
  for (let k = 0; k < params.length; k++) paramLengths[k] = params[k]!.length;
  // Texts as they are after the batch (a new pattern may have generalised or merged since).
  const texts: [number, string][] = [];
  for (const id of created) {
    const t = miner.get(id);
    if (t) texts.push([id, t.template]);
  }
  return { type: 'mined', seq, ids, paramText: params.join(''), paramLengths, paramCounts, created: texts };
}
