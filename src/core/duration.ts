import { InputError } from './errors.js';

const UNITS: Record<string, number> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h|d|w)$/;

/** Parses "300ms", "1.5s", "5m", "90d" into milliseconds; a bare number is milliseconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const match = DURATION.exec(trimmed);
  if (!match)
    throw new InputError('duration.invalid', `"${text}" is not a duration (examples: 300ms, 2s, 5m, 90d)`);
  return Number(match[1]) * (UNITS[match[2]!] ?? 1);
}

/** True when the text parses as a duration. */
export function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Formats milliseconds for humans: 850ms, 1.25s, 3m 20s. */
export function formatDuration(ms: number): string {
  // Each boundary is where rounding would carry into the next unit ("1000ms", "60.0s", "1m 60s").
  if (ms < 0.9995) return `${Math.round(ms * 1000)}µs`;
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(ms < 9_995 ? 2 : 1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
