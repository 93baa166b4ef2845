import { essence, matchMediaType } from '../media-type.js';
import type { MediaType } from '../types.js';

export interface ContentPairing {
  /** [old media type, new media type] whose schemas are compared. */
  pairs: [string, string][];
  /** Old media types the new content no longer covers. */
  removed: string[];
  /** New media types the old content did not cover. */
  added: string[];
}

/**
 * Pairs the media types of two content maps. A range covers the types it matches, so a 2.0
 * response without `produces` (read as "*\/*") and the same response as application/json in 3.0
 * are the same thing.
 */
export function pairContent(
  before: Record<string, MediaType>,
  after: Record<string, MediaType>,
): ContentPairing {
  const oldKeys = Object.keys(before);
  const newKeys = Object.keys(after);
  const pairs: [string, string][] = [];
  const removed: string[] = [];
  const paired = new Set<string>();
  for (const key of oldKeys) {
    if (isRange(key)) {
      const covered = newKeys.filter((n) => matchMediaType([key], n) !== undefined);
      for (const n of covered) {
        pairs.push([key, n]);
        paired.add(n);
      }
      if (covered.length > 0) continue;
    }
    const match = matchMediaType(newKeys, key);
    if (match === undefined) removed.push(key);
    else {
      pairs.push([key, match]);
      paired.add(match);
    }
  }
  const added = newKeys.filter((n) => !paired.has(n) && matchMediaType(oldKeys, n) === undefined);
  return { pairs, removed, added };
}

const isRange = (m: string): boolean => essence(m).includes('*');
