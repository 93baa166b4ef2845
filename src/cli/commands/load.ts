import { resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { InputError } from '../../core/errors.js';
import { parseThreshold } from '../../core/threshold.js';
import {
  type LoadPlan,
  type LoadProgress,
  type LoadSummary,
  resolveLoadTarget,
  runLoad,
  toStepSpec,
} from '../../load/index.js';
import { loadSpec } from '../../openapi/load.js';
import type { ApiSpec } from '../../openapi/types.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { collect, parseHeaders, parseInteger } from './options.js';

interface LoadFlags {
  rate?: string;
  connections?: number;
  duration?: string;
  maxRequests?: number;
  thinkTime?: string;
  spec?: string;
  baseUrl?: string;
  header: string[];
  threshold: string[];
  abortOnFail?: boolean;
  workers: number;
  timeout: string;
  insecure?: boolean;
  format: string;
}

/** Connections when neither --rate nor --connections is given: zero config for a URL. */
const DEFAULT_CONNECTIONS = 10;

/** `gangway load <url-or-operation>`: a load run from the command line, no playbook needed. */
export function registerLoad(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('load')
    .description(
      'load-test a URL or an operation: arrival rate (--rate) or connections (--connections); exit 1 when a threshold fails',
    )
    .argument('<target>', 'a URL, "METHOD <url>", a path (with --base-url) or an operation of --spec')
    .option('--rate <n>', 'open model: requests per second at a constant rate, e.g. 200 or 200/s')
    .option(
      '-c, --connections <n>',
      `closed model: this many connections in a loop (default ${DEFAULT_CONNECTIONS})`,
      parseInteger,
    )
    .option('-d, --duration <duration>', 'how long to run, e.g. 30s')
    .option('-n, --max-requests <n>', 'stop after this many requests', parseInteger)
    .option('--think-time <duration>', "closed model: pause between a connection's requests")
    .option('--spec <file>', 'OpenAPI document, to name an operation as the target')
    .option('-u, --base-url <url>', 'base URL for a path or an operation')
    .option(
      '-H, --header <"Name: value">',
      'header sent with every request, e.g. auth (repeatable)',
      collect,
      [],
    )
    .option(
      '-t, --threshold <expr>',
      'e.g. "p95 < 300ms", "errorRate < 1%", "rps >= 100" (repeatable)',
      collect,
      [],
    )
    .option('--abort-on-fail', 'stop as soon as a threshold is certain to fail')
    .option('-w, --workers <n>', 'worker threads (at most the cores)', parseInteger, 1)
    .option('--timeout <duration>', 'time a request may take before it counts as a timeout', '10s')
    .option('-k, --insecure', 'accept any TLS certificate')
    .option('--format <format>', 'text or json (the summary on stdout)', 'text')
    .action(async (target: string, flags: LoadFlags) => done(await load(io, target, flags)));
}

async function load(io: Io, target: string, flags: LoadFlags): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') {
    throw new InputError('cli.bad-format', `--format "${flags.format}" is not text or json`);
  }
  if (flags.rate !== undefined && flags.connections !== undefined) {
    throw new InputError(
      'cli.load-model',
      '--rate (open model: arrivals per second) and --connections (closed model) exclude each other: give one',
    );
  }
  if (flags.duration === undefined && flags.maxRequests === undefined) {
    throw new InputError(
      'load.unbounded',
      'give --duration (e.g. --duration 30s) or --max-requests: a load run will not start without a bound',
    );
  }
  if (flags.thinkTime !== undefined && flags.rate !== undefined) {
    throw new InputError('cli.load-model', '--think-time applies to --connections, not to --rate');
  }
  const thresholds = flags.threshold.map(parseThreshold);
  const headers = parseHeaders(flags.header);
  const timeoutMs = parseDuration(flags.timeout);
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration);
  let spec: ApiSpec | undefined;
  if (flags.spec)
    spec = await loadSpec(/^https?:\/\//i.test(flags.spec) ? flags.spec : resolve(io.cwd, flags.spec));
  const request = resolveLoadTarget(target, {
    ...((flags.baseUrl ?? spec?.servers[0]) && { baseUrl: flags.baseUrl ?? spec?.servers[0] }),
    ...(spec && { spec }),
  });
  const step = toStepSpec(
    { ...request, headers: { ...request.headers, ...lower(headers) } },
    timeoutMs,
    flags.insecure ? { insecure: true } : undefined,
  );
  const rate = flags.rate === undefined ? undefined : parseRate(flags.rate);
  const plan: LoadPlan = {
    model:
      rate !== undefined
        ? {
            type: 'open',
            startRate: rate,
            stages: [{ durationMs: durationMs ?? Number.MAX_SAFE_INTEGER, target: rate }],
          }
        : {
            type: 'closed',
            vus: flags.connections ?? DEFAULT_CONNECTIONS,
            thinkTimeMs: flags.thinkTime ? parseDuration(flags.thinkTime) : 0,
          },
    ...(durationMs !== undefined && { durationMs }),
    ...(flags.maxRequests !== undefined && { maxRequests: flags.maxRequests }),
    timeoutMs,
    thresholds,
    abortOnFail: flags.abortOnFail === true,
    workers: flags.workers,
  };
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const progress = progressWriter(io);
  let summary: LoadSummary;
  try {
    summary = await runLoad(plan, step, {
      signal: controller.signal,
      onProgress: progress.update,
      progressMs: progress.everyMs,
    });
  } finally {
    progress.close();
    process.off('SIGINT', onSigint);
  }
  if (flags.format === 'json') io.out.write(`${JSON.stringify(summary, null, 2)}\n`);
  else io.out.write(formatText(request.label, step.origin, plan, summary, io.color));
  return summary.thresholds.some((t) => !t.passed) ? EXIT.blocked : EXIT.ok;
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function parseRate(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m))?$/.exec(value.trim());
  const n = match ? Number(match[1]) / (match[2] === 'm' ? 60 : 1) : Number.NaN;
  if (!(n > 0) || n > 1_000_000) {
    throw new InputError(
      'cli.bad-number',
      `--rate "${value}" is not a rate such as 200 or 200/s (at most 1000000/s)`,
    );
  }
  return n;
}

/** Progress on stderr (stdout keeps the summary): a redrawn line on a TTY, a plain line every 5 s otherwise. */
function progressWriter(io: Io) {
  const tty = Boolean(io.err.isTTY);
  let drawn = false;
  return {
    everyMs: tty ? 250 : 5_000,
    update(p: LoadProgress): void {
      const line = progressLine(p);
      if (tty) {
        io.err.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else io.err.write(`${line}\n`);
    },
    close(): void {
      if (drawn) io.err.write('\r\x1b[2K');
    },
  };
}

/** One progress line: a bar of the time elapsed, the current rate, p95, errors and the time left. */
export function progressLine(p: LoadProgress): string {
  const width = 20;
  const share = p.plannedMs ? Math.min(1, p.elapsedMs / p.plannedMs) : 0;
  const bar = p.plannedMs ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ` : '';
  const left = p.plannedMs ? `, ${formatDuration(Math.max(0, p.plannedMs - p.elapsedMs))} left` : '';
  return `${bar}${Math.round(p.rate)} req/s, p95 ${p.p95.toFixed(1)}ms, ${p.errors} error(s), ${p.requests} done${left}`;
}

function formatText(label: string, origin: string, plan: LoadPlan, s: LoadSummary, color: boolean): string {
  const c = pc.createColors(color);
  const model =
    plan.model.type === 'open'
      ? `open model, ${plan.model.startRate}/s`
      : `closed model, ${plan.model.vus} connection(s)`;
  const l = s.latency;
  const errors = Object.entries(s.errors);
  const lines = [
    `${c.bold(label)} at ${origin} (${model}, ${formatDuration(s.detail.durationMs)}${s.detail.workers > 1 ? `, ${s.detail.workers} workers` : ''})`,
    `  requests    ${s.requests} (${s.rps}/s)${s.detail.dropped ? `, ${s.detail.dropped} dropped (too many in flight)` : ''}`,
    `  latency     p50 ${l.p50}ms  p90 ${l.p90}ms  p95 ${l.p95}ms  p99 ${l.p99}ms  max ${l.max}ms`,
    `  errors      ${errors.length ? `${errors.map(([k, n]) => `${k} ×${n}`).join(', ')} (${(s.detail.errorRate * 100).toFixed(2)}%)` : 'none'}`,
  ];
  for (const t of s.thresholds) {
    lines.push(`  ${t.passed ? c.green('✓') : c.red('✗')} ${t.expression} (${t.actual ?? 'no value'})`);
  }
  if (s.detail.aborted) lines.push(c.yellow(`  stopped early: ${s.detail.aborted.reason}`));
  if (s.detail.cancelled) lines.push(c.yellow('  interrupted: partial results'));
  return `${lines.join('\n')}\n`;
}
