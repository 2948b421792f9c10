/**
 * Speed of the template miner on one core, on the foundation benchmark's 1 GiB syslog and
 * access files (bench/data, made by `npx tsx bench/generate.ts --size 1GiB`).
 *
 *   npx tsx bench/miner-speed.ts [--lines N] [--runs R] [--files syslog,access] [--size 1GiB]
 *
 * The first N lines (2,000,000) of each file are read (not the whole GiB) and kept as the
 * file's bytes, off the JavaScript heap. Three figures per file, each the median of R (3)
 * runs with a fresh miner and assembler:
 * - **parse**: the bytes decoded and split a MiB at a time, each line through a
 *   RecordAssembler (format detected on the first 200 lines, as import does), records in
 *   batches of 5,000 and then dropped — the importer's hot path without the miner;
 * - **parse+mine**: the same with every record's message through the miner, its id and
 *   parameters set on the record (the importer's `beforeWrite`);
 * - **mine**: `TemplateMiner.add` over the records' messages alone, held in an array —
 *   the miner's own cost.
 * Holding two million parsed records instead of bytes would measure the garbage collector:
 * records that outlive a scavenge fill the old generation and every full collection then
 * walks millions of strings, which import, streaming, never holds.
 * Lines/s is by wall clock; the process's CPU time is shown beside it, since the machine
 * may be busy with other work. Accuracy is not checked here: run
 * bench/patterns-accuracy.ts and src/ingest/patterns/loghub.test.ts after every change.
 */
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordAssembler } from '../src/ingest/assemble';
import { detectFormat } from '../src/ingest/detect';
import { builtinFormats } from '../src/ingest/formats/load';
import type { CompiledFormat } from '../src/ingest/formats/spec';
import { TemplateMiner } from '../src/ingest/patterns/miner';
import type { IngestRecord } from '../src/ingest/record';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

/** The bytes of the first `count` lines of a file, in 1 MiB blocks that end at a line end. */
async function headBlocks(file: string, count: number): Promise<{ blocks: Buffer[]; lines: number }> {
  const blocks: Buffer[] = [];
  let lines = 0;
  let rest = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let buf = Buffer.concat([rest, chunk]);
    let end = buf.lastIndexOf(10);
    if (end < 0) {
      rest = buf;
      continue;
    }
    // Whole lines only, and no more than `count` of them.
    let n = 0;
    for (let i = buf.indexOf(10); i >= 0 && i <= end; i = buf.indexOf(10, i + 1)) {
      n++;
      if (lines + n === count) {
        end = i;
        break;
      }
    }
    blocks.push(Buffer.from(buf.subarray(0, end)));
    lines += n;
    rest = Buffer.from(buf.subarray(end + 1));
    if (lines >= count) break;
    buf = rest;
  }
  return { blocks, lines };
}

/** Every line of the blocks through an assembler, records in batches of 5,000 to `each`. */
function parseBlocks(
  blocks: Buffer[],
  format: CompiledFormat,
  formats: CompiledFormat[],
  each: (records: IngestRecord[]) => void,
): void {
  const asm = new RecordAssembler(format, { formats, time: { defaultZone: 'UTC', referenceMs: Date.UTC(2024, 2, 10) } });
  let out: IngestRecord[] = [];
  let lineNo = 1;
  for (const b of blocks) {
    const lines = b.toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      asm.push(lines[i]!, lineNo++, out);
      if (out.length >= 5000) {
        each(out);
        out = [];
      }
    }
  }
  asm.flush(out);
  each(out);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const k = (x: number): string => `${Math.round(x / 1000)}k`;

interface Timed {
  wall: number;
  cpu: number;
}

function timed(lines: number, f: () => void): Timed {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  return { wall: lines / seconds, cpu: lines / ((used.user + used.system) / 1e6) };
}

function show(label: string, runs: Timed[]): string {
  return `${label} ${k(median(runs.map((r) => r.wall)))} lines/s [${runs.map((r) => k(r.wall)).join(' ')}], CPU ${k(median(runs.map((r) => r.cpu)))}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const count = Number(arg(args, '--lines', '2000000'));
  const runs = Number(arg(args, '--runs', '3'));
  const size = arg(args, '--size', '1GiB');
  const kinds = arg(args, '--files', 'syslog,access').split(',');
  const formats = builtinFormats();
  for (const kind of kinds) {
    const file = path.join(HERE, 'data', `${kind}-${size}-s42.log`);
    if (!existsSync(file)) {
      console.log(`${kind}: ${file} is missing (npx tsx bench/generate.ts --size ${size})`);
      continue;
    }
    const { blocks, lines } = await headBlocks(file, count);
    const head = blocks[0]!.toString('utf8').split('\n');
    const format = detectFormat(
      head.filter((l) => l.trim() !== '').slice(0, 200),
      formats,
    );
    let messages: string[] = [];
    parseBlocks(blocks, format, formats, (records) => {
      for (const rec of records) messages.push(rec.message);
    });
    const chars = messages.reduce((n, m) => n + m.length, 0);
    const mine: Timed[] = [];
    let stats = '';
    for (let r = 0; r < runs; r++) {
      const miner = new TemplateMiner();
      mine.push(
        timed(messages.length, () => {
          for (let i = 0; i < messages.length; i++) miner.add(messages[i]!);
        }),
      );
      const st = miner.stats();
      stats = `${st.templates} templates, ${st.shapes} shapes, ~${(st.memoryBytes / 1024).toFixed(0)} KiB`;
    }
    const recordCount = messages.length;
    // Let the messages go before the parse runs: their two million strings would be walked
    // by every full collection there.
    messages = [];
    const parse: Timed[] = [];
    const both: Timed[] = [];
    for (let r = 0; r < runs; r++) {
      parse.push(timed(lines, () => parseBlocks(blocks, format, formats, () => {})));
      const miner = new TemplateMiner();
      both.push(
        timed(lines, () =>
          parseBlocks(blocks, format, formats, (records) => {
            for (const rec of records) {
              const m = miner.add(rec.message);
              rec.templateId = m.id;
              rec.params = m.params;
            }
          }),
        ),
      );
    }
    console.log(
      `${kind.padEnd(7)} ${format.name}, ${lines} lines, ${recordCount} records, ${(chars / recordCount).toFixed(0)} chars/message; ${stats}`,
    );
    console.log(`  ${show('mine      ', mine)}`);
    console.log(`  ${show('parse     ', parse)}`);
    console.log(`  ${show('parse+mine', both)}`);
  }
}

await main();
