import type { HttpClient } from '../../http/client.js';
import type { HttpRequest } from '../../http/types.js';
import type { ApiSpec, Operation } from '../../openapi/types.js';
import { toHttpRequest } from '../contract/build.js';
import { isWholeCollection, listItems } from '../contract/listing.js';

const LIMIT = /^(limit|per_page|page_size|pageSize|perPage|size|count|max_results|maxResults)$/;

/**
 * Reads the ids of a collection through its list operation, asking for the largest page the spec
 * allows; undefined when the answer is not provably the whole collection (then creates cannot be counted).
 */
export class CollectionCounter {
  /** Only items carrying this value in this property are counted (the check's own creates). */
  marker?: { property: string; value: string };

  private constructor(
    private readonly http: HttpClient,
    readonly list: Operation,
    private readonly request: HttpRequest,
  ) {}

  /** The counter for the collection a create works on, when the spec lists that collection. */
  static for(
    spec: ApiSpec,
    create: Operation,
    http: HttpClient,
    seed: number,
  ): CollectionCounter | undefined {
    const path = create.path.replace(/\/$/, '');
    const list = spec.operations.find((o) => o.method === 'GET' && o.path.replace(/\/$/, '') === path);
    if (!list) return undefined;
    let generated: ReturnType<ApiSpec['generateRequest']>;
    try {
      generated = spec.generateRequest(list, { seed, preferExamples: true, includeOptional: false });
    } catch {
      return undefined;
    }
    const request = toHttpRequest(list, generated, list.security.length > 0);
    const limit = list.parameters.find((p) => p.in === 'query' && LIMIT.test(p.name));
    if (limit) {
      const schema = (limit.schema === undefined ? {} : spec.resolve(limit.schema)) as { maximum?: unknown };
      const max = typeof schema.maximum === 'number' ? Math.min(schema.maximum, 1000) : 100;
      request.query = { ...request.query, [limit.name]: max };
    }
    return new CollectionCounter(http, list, request);
  }

  /** The ids in the whole collection now, or undefined when the listing may be partial or failed. */
  async ids(signal: AbortSignal): Promise<Set<string> | undefined> {
    let res: Awaited<ReturnType<HttpClient['request']>>;
    try {
      res = await this.http.request(this.request, signal);
    } catch {
      return undefined;
    }
    if (res.status < 200 || res.status >= 300) return undefined;
    let body: unknown;
    try {
      body = res.json();
    } catch {
      return undefined;
    }
    const items = listItems(body);
    if (!items || !isWholeCollection(this.request, res, body, items)) return undefined;
    const ids = new Set<string>();
    for (const item of items) {
      if (item === null || typeof item !== 'object') continue;
      const record = item as Record<string, unknown>;
      if (this.marker && record[this.marker.property] !== this.marker.value) continue;
      const id = record.id;
      if (typeof id === 'string' || typeof id === 'number') ids.add(String(id));
    }
    return ids;
  }
}

/** Ids in `after` and not in `before`. */
export function added(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  return [...after].filter((id) => !before.has(id));
}
