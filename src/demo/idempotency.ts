import { createHash } from 'node:crypto';
import type { Reply } from './http-io.js';

interface Record_ {
  fingerprint: string;
  /** Absent while the first request is still being processed. */
  reply?: Reply;
  at: number;
}

export type Begin =
  | { kind: 'new' }
  | { kind: 'replay'; reply: Reply }
  | { kind: 'reused' }
  | { kind: 'in-progress' };

const DAY_MS = 86_400_000;

/** JSON with sorted keys, so the same body written differently has one fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Fingerprint of a request: what it targets and what it carries. */
export function fingerprint(target: string, body: unknown): string {
  return createHash('sha256').update(target).update('\n').update(canonical(body)).digest('hex');
}

/**
 * Idempotency keys (draft-ietf-httpapi-idempotency-key-header): the first request with a key
 * reserves it, its successful reply is stored for 24 hours and replayed for identical retries.
 */
export class IdempotencyStore {
  readonly #records = new Map<string, Record_>();
  readonly #now: () => number;
  readonly #max: number;
  replays = 0;

  constructor(now: () => number, maxKeys = 10_000) {
    this.#now = now;
    this.#max = maxKeys;
  }

  /** Looks the key up; reserves it when new. */
  begin(scope: string, key: string, print: string): Begin {
    const id = `${scope}\n${key}`;
    const now = this.#now();
    const record = this.#records.get(id);
    if (record && now - record.at < DAY_MS) {
      if (record.fingerprint !== print) return { kind: 'reused' };
      if (!record.reply) return { kind: 'in-progress' };
      this.replays += 1;
      return { kind: 'replay', reply: record.reply };
    }
    this.#records.delete(id);
    this.#records.set(id, { fingerprint: print, at: now });
    this.#evict(now);
    return { kind: 'new' };
  }

  /** Stores the reply of a reserved key; only successes are kept, so a rejected request can be fixed and retried. */
  finish(scope: string, key: string, reply: Reply): void {
    const id = `${scope}\n${key}`;
    const record = this.#records.get(id);
    if (!record) return;
    if (reply.status >= 200 && reply.status < 300) record.reply = reply;
    else this.#records.delete(id);
  }

  #evict(now: number): void {
    for (const [id, record] of this.#records) {
      if (now - record.at < DAY_MS && this.#records.size <= this.#max) break;
      this.#records.delete(id);
    }
  }
}
