/** Media type helpers: parameters (charset...) are ignored, ranges and +json suffixes honoured. */

/** "application/JSON; charset=utf-8" -> "application/json". */
export function essence(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** Whether a body of this media type is JSON (application/json, text/json, any +json). */
export function isJsonMedia(mediaType: string): boolean {
  const m = essence(mediaType);
  return m === 'application/json' || m === 'text/json' || m.endsWith('+json');
}

/**
 * Picks the documented media type (a key of `content`) that covers an actual content type:
 * exact match first, then the most specific range (type/*+json, type/*, *\/*).
 */
export function matchMediaType(documented: readonly string[], actual: string): string | undefined {
  const want = essence(actual);
  const slash = want.indexOf('/');
  const type = want.slice(0, slash);
  const plus = want.lastIndexOf('+');
  const suffix = plus === -1 ? '' : want.slice(plus);
  let best: string | undefined;
  let bestRank = 0;
  for (const key of documented) {
    const d = essence(key);
    let rank = 0;
    if (d === want) rank = 5;
    else if (suffix !== '' && d === `${type}/*${suffix}`) rank = 4;
    else if (d === `${type}/*`) rank = 3;
    else if (suffix === '+json' && d === 'application/json')
      rank = 0; // a vendor type is not plain JSON
    else if (d === '*/*' || d === '*') rank = 1;
    if (rank > bestRank) {
      best = key;
      bestRank = rank;
    }
  }
  return best;
}

/** Order of preference when the generator chooses a request media type. */
export function preferredMediaType(documented: readonly string[]): string | undefined {
  const ranked = (m: string): number => {
    const e = essence(m);
    if (e === 'application/json') return 0;
    if (e.endsWith('+json')) return 1;
    if (e === 'application/x-www-form-urlencoded') return 2;
    if (e === 'text/plain') return 3;
    if (e === 'multipart/form-data') return 4;
    return 5;
  };
  let best: string | undefined;
  for (const m of documented) if (best === undefined || ranked(m) < ranked(best)) best = m;
  return best;
}
