import { createHash } from 'node:crypto';

/** `key` when it fits in `max` characters, else a stable digest of it (providers cap dedup keys / aliases). */
export function fitKey(key: string, max: number): string {
  if (key.length <= max) return key;
  return `gangway-${createHash('sha256').update(key).digest('hex')}`;
}

/** A short stable digest, for Message-IDs and markers. */
export function digest(text: string, length = 32): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
