import { formatDuration } from '../../duration.js';
import type { DetectorConfig, Signal } from '../types.js';

/**
 * What every detector kind shares once it has judged a sample: trigger once, update while still
 * failing only when something meaningful changed (or every UPDATE_EVERY_MS), recover after
 * `recoverAfter` consecutive clear samples, and flag a re-trigger soon after a recovery as flapping
 * (same dedup key, so the incident engine re-opens the same incident). Kinds only say how a sample
 * looks (a Judgement); this file turns judgements into signals.
 */

/** How long a still-failing problem stays quiet when nothing about it changes. */
export const UPDATE_EVERY_MS = 15 * 60_000;
/** Keys (monitor × environment, or × operation for schema drift) one detector tracks at most. */
export const MAX_KEYS = 1000;

/** One problem's life cycle (per dedup key). Plain JSON. */
export interface Lifecycle {
  open: boolean;
  /** When the current (or last) problem triggered. */
  openedAt: number | null;
  /** Consecutive clear samples while open. */
  clear: number;
  recoveredAt: number | null;
  /** Last trigger or update signal, for the periodic update. */
  signalledAt: number | null;
  /** What was wrong at the last signal; a different digest while open means an update. */
  digest: string | null;
  /** Failure signature fixed at the trigger, so updates and the recovery carry the same one. */
  signature: string | null;
  /** Last sample that concerned this key (eviction picks the stalest closed key). */
  seenAt: number;
  /**
   * While closed: the first bad sample still within the window, the start of the problem a trigger
   * reports as `details.firstSeenAt` (the report measures detection from it). Absent in states stored
   * before it existed.
   */
  badSince?: number | null;
}

/** A sample seen by one kind: `bad` and `clear` are per-sample, `firing` is the kind's window rule. */
export interface Judgement {
  verdict: 'bad' | 'clear' | 'none';
  /** The trigger condition holds now (e.g. 3 failures within the window). */
  firing: boolean;
  /** What is wrong, in a stable form; a change while open emits an update. */
  digest?: string;
  /** Called only when a signal is emitted, so quiet samples build no strings. */
  describe(): Description;
}

export interface Description {
  summary: string;
  signature: string;
  details: Record<string, unknown>;
}

/** Where a key's signals point. */
export interface KeyInfo {
  dedupKey: string;
  monitorId: string;
  environment: string;
  /** Default title when the detector has none, e.g. "Latency spike on api-health (production)". */
  title: string;
}

/** A fresh, closed life cycle. */
export function newLifecycle(now: number): Lifecycle {
  return {
    open: false,
    openedAt: null,
    clear: 0,
    recoveredAt: null,
    signalledAt: null,
    digest: null,
    signature: null,
    seenAt: now,
    badSince: null,
  };
}

/**
 * Keeps `badSince` at the first bad sample still within the window while the key is closed. A bad sample
 * past the window starts it again; so does a clear one once the last known start has left the window
 * (approximate by design: only one time is kept, so a start that slid out is replaced by the next bad
 * sample, never by an earlier one still inside).
 */
function trackStart(lc: Lifecycle, config: DetectorConfig, verdict: 'bad' | 'clear', now: number): void {
  const since = lc.badSince ?? null;
  const stale = since !== null && now - since > config.windowMs;
  if (verdict === 'bad') {
    if (since === null || stale) lc.badSince = now;
  } else if (stale) {
    lc.badSince = null;
  }
}

/** Advances a key's life cycle by one judged sample; returns the signal to emit, if any. */
export function step(
  lc: Lifecycle,
  config: DetectorConfig,
  key: KeyInfo,
  judgement: Judgement,
  now: number,
): Signal | null {
  lc.seenAt = now;
  if (judgement.verdict === 'none') return null;
  if (!lc.open) {
    trackStart(lc, config, judgement.verdict, now);
    if (!judgement.firing) return null;
    const flapping = lc.recoveredAt !== null && now - lc.recoveredAt <= config.flapMs;
    const d = judgement.describe();
    const firstSeenAt = Math.min(lc.badSince ?? now, now);
    lc.badSince = null;
    lc.open = true;
    lc.openedAt = now;
    lc.clear = 0;
    lc.signalledAt = now;
    lc.digest = judgement.digest ?? null;
    lc.signature = d.signature;
    const details = flapping
      ? { ...d.details, firstSeenAt, flapping: true, recoveredAt: lc.recoveredAt }
      : { ...d.details, firstSeenAt };
    return signal('trigger', config, key, { ...d, details }, now);
  }
  if (judgement.verdict === 'bad') {
    lc.clear = 0;
    const changed = judgement.digest !== undefined && judgement.digest !== lc.digest;
    if (!changed && now - (lc.signalledAt ?? now) < UPDATE_EVERY_MS) return null;
    lc.signalledAt = now;
    if (judgement.digest !== undefined) lc.digest = judgement.digest;
    const d = judgement.describe();
    return signal('update', config, key, { ...d, signature: lc.signature ?? d.signature }, now);
  }
  lc.clear++;
  if (lc.clear < config.recoverAfter) return null;
  const openedAt = lc.openedAt ?? now;
  lc.open = false;
  lc.recoveredAt = now;
  lc.clear = 0;
  lc.digest = null;
  const title = config.title ?? key.title;
  return signal(
    'recover',
    config,
    key,
    {
      summary: `${title}: clear for ${config.recoverAfter} consecutive sample(s)`,
      signature: lc.signature ?? '',
      details: { openedAt, durationMs: now - openedAt, autoResolve: config.autoResolve },
    },
    now,
  );
}

function signal(
  type: Signal['type'],
  config: DetectorConfig,
  key: KeyInfo,
  d: Description,
  now: number,
): Signal {
  return {
    type,
    detectorId: config.id,
    detectorKind: config.kind,
    dedupKey: key.dedupKey,
    severity: config.severity,
    title: config.title ?? key.title,
    summary: d.summary,
    signature: d.signature,
    at: now,
    monitorId: key.monitorId,
    environment: key.environment,
    details: d.details,
  };
}

/** Whether the detector watches this monitor (an empty list: every monitor). */
export function watches(config: DetectorConfig, monitorId: string): boolean {
  return config.monitors.length === 0 || config.monitors.includes(monitorId);
}

/**
 * The key's state, created when missing. Keys are dedup keys (always containing ":", so never a
 * special property name). Past MAX_KEYS the stalest closed key is dropped (an open one only when
 * every key is open) so the state stays bounded whatever the samples say.
 */
export function keyState<T extends { lc: Lifecycle }>(
  keys: Record<string, T>,
  dedupKey: string,
  create: () => T,
  maxKeys = MAX_KEYS,
): T {
  const existing = keys[dedupKey];
  if (existing) return existing;
  evictIfFull(keys, maxKeys);
  const created = create();
  keys[dedupKey] = created;
  return created;
}

function evictIfFull<T extends { lc: Lifecycle }>(keys: Record<string, T>, maxKeys: number): void {
  const names = Object.keys(keys);
  if (names.length < maxKeys) return;
  let victim: string | undefined;
  let victimScore = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const lc = keys[name]!.lc;
    // Closed keys go first; among equals, the one seen longest ago.
    const score = lc.seenAt + (lc.open ? Number.MAX_SAFE_INTEGER / 2 : 0);
    if (score < victimScore) {
      victimScore = score;
      victim = name;
    }
  }
  if (victim !== undefined) delete keys[victim];
}

/** The usual dedup key: detector, monitor, environment (and more parts, e.g. an operation). */
export function dedupKeyOf(
  detectorId: string,
  monitorId: string,
  environment: string,
  ...more: string[]
): string {
  return [detectorId, monitorId, environment, ...more].join(':');
}

/** A sample that says nothing to this kind. */
export const NO_JUDGEMENT: Judgement = {
  verdict: 'none',
  firing: false,
  describe: () => ({ summary: '', signature: '', details: {} }),
};

/** Shortens free text (error messages) kept in signal details. */
export function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
];

/** Durations as playbooks write them (5m, 90d, 1h 30m), for summaries. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return formatDuration(ms);
  const parts: string[] = [];
  let rest = Math.round(ms / 1000) * 1000;
  for (const [size, unit] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
