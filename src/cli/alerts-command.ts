/**
 * `logscope alerts add|rules|list|replay`: rules from JSON files (alert-rule-file.ts says
 * the problems: file, rule, field, why), stored and listed by the engine running on the
 * folder, or by one opened for the command when none runs.
 */
import type { Io } from './commands';
import { connectEngine } from './connect';
import { parseTimeArg } from './time-arg';
import { formatProblem, mergeProblems, queryOf, readRuleFile, ruleLabel, RuleFileError, schemaProblems } from './alert-rule-file';

export interface AlertsArgs {
  sub: string | undefined;
  files: string[];
  from?: string;
  to?: string;
  json: boolean;
}

export async function alertsCommand(dataDir: string, a: AlertsArgs, io: Io): Promise<number> {
  if (!a.sub || !['add', 'rules', 'list', 'replay'].includes(a.sub)) {
    io.err('usage: logscope alerts add|rules|list|replay [--data DIR] ...');
    return 2;
  }
  let rules: ReturnType<typeof readRuleFile> = [];
  if (a.sub === 'add' || a.sub === 'replay') {
    if (!a.files.length) {
      io.err(`logscope alerts ${a.sub}: give a rule file (RULE.json)`);
      return 2;
    }
    try {
      rules = a.files.flatMap((f) => readRuleFile(f));
    } catch (err) {
      if (err instanceof RuleFileError) {
        io.err(err.message);
        return 1;
      }
      throw err;
    }
  }
  const engine = await connectEngine(dataDir, io.err);
  try {
    switch (a.sub) {
      case 'rules': {
        const { rules: list } = await engine.api.alertRules({});
        for (const r of list) {
          io.out(a.json ? JSON.stringify(r.spec) : `${r.id}  ${r.spec.enabled ? 'on ' : 'off'}  ${r.spec.kind.padEnd(11)} ${r.spec.name}${r.builtin ? '  (suggested)' : ''}${r.warning ? `  ! ${r.warning}` : ''}`);
        }
        return 0;
      }
      case 'list': {
        const { alerts } = await engine.api.alertsList({});
        for (const al of alerts) {
          const row = { rule: al.rule, group: al.group, state: al.state, startedAt: al.startedAt, firedAt: al.firedAt, resolvedAt: al.resolvedAt, value: al.value };
          io.out(a.json ? JSON.stringify(row) : `${al.state.padEnd(8)} ${al.rule}  ${JSON.stringify(al.group)}  value ${al.value}  since ${new Date(al.firedAt ?? al.startedAt).toISOString()}`);
        }
        if (!a.json && !alerts.length) io.err('no alerts');
        return 0;
      }
      case 'add':
      case 'replay': {
        let failed = false;
        const checked: unknown[] = [];
        for (const r of rules) {
          const local = schemaProblems(r.value);
          const remote = (await engine.api.alertRuleCheck({ rule: r.value })).problems;
          const problems = mergeProblems(local, remote);
          if (problems.length) {
            failed = true;
            for (const p of problems) for (const line of formatProblem(ruleLabel(r), p, queryOf(r.value))) io.err(line);
          } else checked.push(r.value);
        }
        if (failed) return 1;
        const from = a.from ? parseTimeArg(a.from) : null;
        const to = a.to ? parseTimeArg(a.to) : null;
        for (const rule of checked) {
          if (a.sub === 'add') {
            const saved = await engine.api.alertRuleSave({ rule: rule as never });
            io.out(a.json ? JSON.stringify({ id: saved.id, name: saved.spec.name }) : `added ${saved.id}  ${saved.spec.name}`);
          } else {
            const r = await engine.api.alertReplay({ rule: rule as never, from, to });
            for (const e of r.episodes) {
              io.out(a.json ? JSON.stringify(e) : `${new Date(e.start).toISOString()} – ${e.end === null ? 'still firing' : new Date(e.end).toISOString()}  ${JSON.stringify(e.group)}  peak ${e.peak}`);
            }
            if (!a.json) io.err(`${r.total} episode${r.total === 1 ? '' : 's'} from ${new Date(r.from).toISOString()} to ${new Date(r.to).toISOString()} (${Math.round(r.tookMs)} ms)${r.warning ? `; ${r.warning}` : ''}`);
          }
        }
        return 0;
      }
    }
    return 2;
  } finally {
    await engine.close();
  }
}
