import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { InputError } from '../../core/errors.js';
import type { RuntimeOptions } from '../../service/runtime.js';

/** Flags shared by `serve` and `worker` for the clocks of crash recovery and retention. */
export interface TuningFlags {
  staleRun?: string;
  jobLease?: string;
  evidenceRetention?: string;
  eventRetention?: string;
  sampleRetention?: string;
  freshness?: string;
  opsConcurrency?: string;
}

/** Adds the tuning flags to a command. */
export function tuningOptions(command: Command): Command {
  return command
    .option('--stale-run <duration>', 'a run whose worker is silent this long is taken over (default 60s)')
    .option('--job-lease <duration>', 'a worker silent this long loses its jobs to the others (default 30s)')
    .option('--evidence-retention <days>', 'evidence bodies kept this many days (default 90)')
    .option('--event-retention <days>', 'live run events kept this many days (default 30)')
    .option(
      '--sample-retention <days>',
      'monitor samples kept this many days; hourly roll-ups 400 (default 30)',
    )
    .option(
      '--ops-concurrency <n>',
      'operations jobs (monitor executions, escalation timers, deliveries, actions) at once (default 32)',
    )
    .option(
      '--freshness <duration>',
      "gates: a run's evidence counts this long unless the stage says (default 7d)",
    );
}

/** The runtime options the tuning flags set; a bad value is an InputError naming the flag. */
export function tuning(flags: TuningFlags): Pick<
  RuntimeOptions,
  'jobLeaseMs' | 'retention' | 'opsConcurrency'
> & {
  config: { staleRunMs?: number; defaultFreshnessMs?: number };
} {
  const duration = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch {
      ms = Number.NaN;
    }
    if (!(ms >= 1000))
      throw new InputError(
        'cli.bad-duration',
        `--${flag}: expected a duration of 1s or more, such as 60s or 5m`,
      );
    return ms;
  };
  const days = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new InputError('cli.bad-days', `--${flag}: expected a number of days >= 0`);
    return n;
  };
  const staleRunMs = duration('stale-run', flags.staleRun);
  const jobLeaseMs = duration('job-lease', flags.jobLease);
  const defaultFreshnessMs = duration('freshness', flags.freshness);
  const evidenceDays = days('evidence-retention', flags.evidenceRetention);
  const runEventsDays = days('event-retention', flags.eventRetention);
  const samplesDays = days('sample-retention', flags.sampleRetention);
  const opsConcurrency = flags.opsConcurrency === undefined ? undefined : Number(flags.opsConcurrency);
  if (
    opsConcurrency !== undefined &&
    !(Number.isInteger(opsConcurrency) && opsConcurrency >= 1 && opsConcurrency <= 1000)
  )
    throw new InputError('cli.bad-concurrency', '--ops-concurrency: expected a whole number from 1 to 1000');
  return {
    ...(opsConcurrency !== undefined && { opsConcurrency }),
    config: {
      ...(staleRunMs !== undefined && { staleRunMs }),
      ...(defaultFreshnessMs !== undefined && { defaultFreshnessMs }),
    },
    ...(jobLeaseMs !== undefined && { jobLeaseMs }),
    retention: {
      ...(evidenceDays !== undefined && { evidenceDays }),
      ...(runEventsDays !== undefined && { runEventsDays }),
      ...(samplesDays !== undefined && { samplesDays }),
    },
  };
}
