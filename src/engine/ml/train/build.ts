/**
 * Train a model for a task and write it as `<name>.onnx` plus its card `<name>.json`.
 * Deterministic: the same rows, options and seed give the same bytes (no timestamps, rows
 * in file order, a seeded PRNG).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCard } from '../card';
import { sha256 } from '../runtime';
import type { TrainRow } from './data';
import { INPUTS, linearBagGraph, OUTPUT } from './onnx-graph';
import { FeatureCache, labelCounts, TASK_LABELS, TASK_OPTIONS, trainTask, type Task, type TaskOptions } from './tasks';

export const MODEL_VERSION: Record<Task, string> = { category: '2.0.0', severity: '2.1.0' };

const DESCRIPTION: Record<Task, string> = {
  category:
    'The subsystem a log event is about (TAXONOMY.md: security, hardware, storage, database, network, resource, performance, application, access, lifecycle, other), from the text of its template. Input: hashed features (src/engine/ml/features.ts): words, their stems, stem bigrams, light character 3-4-grams, and the groups of a hand-written lexicon of words that signal subsystems and severities across systems (src/engine/ml/lexicon.ts); the graph sums their rows of a weight matrix (an embedding bag), adds a bias and applies softmax.',
  severity:
    "The level a log event's template usually carries, on LogScope's scale (trace..fatal), for records whose source gives none. Same features and graph as the category model; Loghub templates (levels real systems wrote) count 4x the written lines (levels we judged), times 1 + ln(the template's lines in the sample).",
};

export interface BuildResult {
  card: ModelCard;
  onnx: Uint8Array;
}

export function buildModel(
  task: Task,
  rows: TrainRow[],
  metrics: ModelCard['metrics'],
  opts: TaskOptions = TASK_OPTIONS[task],
  cache = new FeatureCache(opts.features),
): BuildResult {
  const labels = TASK_LABELS[task];
  const model = trainTask(rows, task, cache, opts);
  const onnx = linearBagGraph(model, {
    name: task,
    labels,
    props: { features_version: String(opts.features.version), buckets: String(opts.features.buckets), version: MODEL_VERSION[task] },
  });
  const used = rows.filter((r) => (task === 'category' ? r.category : r.severity) !== null);
  const count = (pred: (r: TrainRow) => boolean) => used.filter(pred).length;
  const card: ModelCard = {
    name: task,
    version: MODEL_VERSION[task],
    task: `text classification (${task})`,
    description: DESCRIPTION[task],
    file: `${task}.onnx`,
    sha256: sha256(onnx),
    bytes: onnx.length,
    inputs: [
      { name: INPUTS.indices, type: 'int64', shape: ['batch', 'n'] },
      { name: INPUTS.weights, type: 'float32', shape: ['batch', 'n'] },
    ],
    outputs: [{ name: OUTPUT, type: 'float32', shape: ['batch', labels.length] }],
    labels: [...labels],
    features: { version: opts.features.version, buckets: opts.features.buckets, maxWords: opts.features.maxWords },
    training: {
      command: 'npm run train',
      algorithm: 'multinomial logistic regression on hashed sparse features, AdaGrad with L2, class-balance sample weights (count^-balancePower); the weights of averageSeeds runs from different seeds averaged',
      seed: opts.train.seed,
      hyperparameters: {
        epochs: opts.train.epochs,
        learningRate: opts.train.learningRate,
        l2: opts.train.l2,
        balancePower: opts.balancePower,
        averageSeeds: opts.averageSeeds,
        ...(opts.logLineWeight ? { loghubLineWeight: '1 + ln(lines)' } : {}),
      },
      data: [
        {
          source: 'models/data/loghub/templates.jsonl',
          rows: count((r) => r.source === 'loghub'),
          description:
            task === 'category'
              ? 'Loghub 2k samples (https://github.com/logpai/loghub; see models/data/loghub/LICENSE and CITATION): every ground-truth template, labelled by hand (models/data/loghub/labels.tsv)'
              : 'Loghub 2k samples with a level column (HDFS, Hadoop, Spark, Zookeeper, Android, Apache): each template with the level its lines carried (weighted x4); the level is a separate field, so the text never contains it',
        },
        {
          source: 'models/data/written/*.txt',
          rows: count((r) => r.source === 'written'),
          description: 'lines written for LogScope across systems not in Loghub (web servers, Redis, PostgreSQL, MySQL, Kafka, RabbitMQ, Elasticsearch, etcd/Consul/Nomad, Kubernetes, Docker, systemd, kernels, cloud agents, CI runners, mobile apps, game servers, ZFS/mdadm/NFS/SMART storage, Slurm/Airflow/Celery schedulers, VPNs, DNS, mail, Windows events, firewalls), each with a category and the level that system writes; the sshd block is marked as copying OpenSSH, so it is left out of that fold',
        },
        { source: 'overrides', rows: count((r) => r.source === 'override'), description: "people's corrections exported from LogScope (weighted ×4)" },
      ],
      labelCounts: labelCounts(rows, task),
    },
    metrics,
    license: 'Model: MIT (LogScope). Training data includes Loghub samples, free for research and academic use; see models/data/loghub/LICENSE.',
  };
  return { card, onnx };
}

export function writeModel(dir: string, built: BuildResult): void {
  writeFileSync(join(dir, built.card.file), built.onnx);
  writeFileSync(join(dir, `${built.card.name}.json`), JSON.stringify(built.card, null, 2) + '\n');
}
