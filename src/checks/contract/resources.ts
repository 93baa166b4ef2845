/**
 * Remembers resources seen in create and list responses so that later calls on single resources
 * use ids that exist ("ids captured from list and create responses").
 */
export class ResourcePool {
  private readonly byCollection = new Map<string, Record<string, unknown>>();
  private readonly byName = new Map<string, unknown>();
  private readonly created = new Set<string>();

  /**
   * Records a response body of a call on a collection (a create's object or a list's first item).
   * The first resource created in a collection stays the one used: it was made from the spec's
   * examples, which other examples (a partial refund of that payment...) were written to fit.
   */
  remember(collection: string, body: unknown, created: boolean): void {
    const item = created ? asObject(body) : firstItem(body);
    if (!item) return;
    if (created ? !this.created.has(collection) : !this.byCollection.has(collection)) {
      this.byCollection.set(collection, item);
    }
    if (created) this.created.add(collection);
    for (const [key, value] of Object.entries(item)) {
      if (isScalar(value) && /id$/i.test(key) && !this.byName.has(key)) this.byName.set(key, value);
    }
  }

  /** An id for path parameter `param` of a resource in `collection`, if one was seen. */
  idFor(collection: string, param: string): unknown {
    const item = this.byCollection.get(collection);
    if (item) {
      for (const key of candidates(param, collection)) {
        const value = item[key];
        if (isScalar(value)) return value;
      }
    }
    return this.byName.get(param);
  }
}

function candidates(param: string, collection: string): string[] {
  const noun = singular(collection.split('/').filter(Boolean).pop() ?? '');
  const snake = param.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return [param, snake, 'id', `${noun}Id`, `${noun}_id`, 'uuid', 'key', 'name', 'slug'];
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ses')) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The first element of a list body: the body itself if an array, else the first array property. */
function firstItem(body: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(body)) return asObject(body[0]);
  const object = asObject(body);
  if (!object) return undefined;
  for (const key of ['data', 'items', 'results', 'records', 'entries', 'content', 'values']) {
    const list = object[key];
    if (Array.isArray(list)) return asObject(list[0]);
  }
  for (const value of Object.values(object)) if (Array.isArray(value)) return asObject(value[0]);
  return undefined;
}

function isScalar(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}
