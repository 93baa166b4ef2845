// The options a test passes to a child service process (one JSON argument; the secret key comes by env).
import type { RuntimeOptions } from '../../../src/service/runtime.js';

/** What serve.ts and worker.ts accept: the JSON-safe part of RuntimeOptions, plus `worker` for serve. */
export type ChildOptions = Pick<
  RuntimeOptions,
  'databaseUrl' | 'dataDir' | 'config' | 'allowPrivateTargets' | 'concurrency' | 'workerId' | 'jobLeaseMs'
> & { worker?: boolean };

/** Parses the JSON argument; a missing or broken one is a test bug, reported loudly. */
export function parseChildOptions(text: string | undefined): ChildOptions {
  if (!text) throw new Error('child: pass the options as one JSON argument');
  return JSON.parse(text) as ChildOptions;
}
