import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import { FAULT_TYPES, type FaultDefinition, type FaultType, faultSchema } from './faults.js';

/** A problem in a fault definition: JSON pointer into what was sent, and what is wrong. */
export interface FaultIssue {
  pointer: string;
  message: string;
}

export type FaultParse = { ok: true; faults: FaultDefinition[] } | { ok: false; issues: FaultIssue[] };

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function issuesOf(error: z.ZodError, prefix: string): FaultIssue[] {
  return error.issues.map((issue) => ({ pointer: prefix + pointerOf(issue.path), message: issue.message }));
}

/** Validates one fault or an array of faults (the body of POST /faults, a check's option). */
export function validateFaults(input: unknown): FaultParse {
  const list = Array.isArray(input) ? input : [input];
  const faults: FaultDefinition[] = [];
  const issues: FaultIssue[] = [];
  list.forEach((item, index) => {
    const parsed = faultSchema.safeParse(item);
    if (parsed.success) faults.push(parsed.data);
    else issues.push(...issuesOf(parsed.error, Array.isArray(input) ? `/${index}` : ''));
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, faults };
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib)?(?:\/s)?$/i;
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1_000_000, mib: 1_048_576 };

function size(text: string): number {
  const m = SIZE.exec(text.trim());
  if (!m) throw new InputError('proxy.bad-fault', `"${text}" is not a size such as 1024, 10kb or 1mb/s`);
  return Math.round(Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

function number(text: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** Keys of the short form that are not the fault's own value, and where they go. */
const KEYS: Record<string, string> = {
  id: 'id',
  method: 'method',
  path: 'path',
  op: 'operation',
  operation: 'operation',
  rate: 'rate',
  first: 'first',
  phase: 'phase',
  'retry-after': 'retryAfter',
  retryafter: 'retryAfter',
  jitter: 'jitter',
  chunk: 'chunkBytes',
  interval: 'interval',
  after: 'afterBytes',
};

/** The fault's own key: its value fills these fields. */
function typeValue(type: FaultType, value: string | undefined, out: Record<string, unknown>): void {
  if (value === undefined || value === '') return;
  switch (type) {
    case 'latency': {
      const [base, jitter] = value.split(/±|\+-|~/);
      out.latency = number(base!.trim());
      if (jitter !== undefined) out.jitter = number(jitter.trim());
      return;
    }
    case 'bandwidth':
      out.bytesPerSecond = size(value);
      return;
    case 'slow-headers':
      out.delay = number(value);
      return;
    case 'slow-body': {
      // "16/100ms": 16 bytes every 100 ms
      const [chunk, interval] = value.split('/');
      out.chunkBytes = size(chunk!);
      if (interval !== undefined) out.interval = number(interval);
      return;
    }
    case 'truncate':
      out.afterBytes = size(value);
      return;
    case 'status':
      out.status = number(value);
      return;
    case 'reset':
    case 'blackhole':
      out.phase = value;
      return;
    case 'malformed':
      return;
  }
}

const ALIASES: Record<string, FaultType> = {
  drip: 'slow-body',
  'slow-body': 'slow-body',
  timeout: 'blackhole',
};

/**
 * Parses a fault given on the command line: JSON (`{"type":"status","status":503}`) or the short form
 * `status=503,rate=0.5`, `latency=200ms±50ms`, `reset,phase=response,first=2`, `bandwidth=10kb/s,path=/files/*`.
 */
export function parseFaultText(text: string): FaultDefinition {
  const trimmed = text.trim();
  let input: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      input = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError(
        'proxy.bad-fault',
        `fault "${text}" is not valid JSON: ${(error as Error).message}`,
      );
    }
  } else {
    input = shortForm(trimmed);
  }
  const parsed = validateFaults(input);
  if (!parsed.ok) {
    const detail = parsed.issues.map((i) => `${i.pointer || '/'}: ${i.message}`).join('; ');
    throw new InputError('proxy.bad-fault', `fault "${text}" is invalid: ${detail}`);
  }
  if (parsed.faults.length !== 1)
    throw new InputError('proxy.bad-fault', `fault "${text}" must be one fault`);
  return parsed.faults[0]!;
}

function shortForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let type: FaultType | undefined;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : part.slice(eq + 1).trim();
    const asType =
      ALIASES[key] ?? ((FAULT_TYPES as readonly string[]).includes(key) ? (key as FaultType) : undefined);
    if (asType !== undefined && type === undefined) {
      type = asType;
      out.type = type;
      typeValue(type, value, out);
      continue;
    }
    const field = KEYS[key];
    if (field === undefined || value === undefined) {
      throw new InputError(
        'proxy.bad-fault',
        `fault "${text}": unknown part "${part.trim()}" (a fault type: ${FAULT_TYPES.join(', ')}; or ${Object.keys(KEYS).join(', ')} with =value)`,
      );
    }
    if (field === 'afterBytes' || field === 'chunkBytes') out[field] = size(value);
    else if (
      field === 'method' ||
      field === 'path' ||
      field === 'operation' ||
      field === 'id' ||
      field === 'phase'
    )
      out[field] = value;
    else out[field] = number(value);
  }
  if (type === undefined) {
    throw new InputError(
      'proxy.bad-fault',
      `fault "${text}" names no fault type (one of ${FAULT_TYPES.join(', ')})`,
    );
  }
  return out;
}
