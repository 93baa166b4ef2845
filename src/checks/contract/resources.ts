/**
 * Remembers resources seen in create and list responses so that later calls on single resources
 * use ids that exist ("ids captured from list and create responses").
 */
export class ResourcePool {
  private readonly byCollection = new Map<string, Record<string, unknown>>();
  private readonly byName = new Map<string, unknown>();
  private readonly created = new Set<string>();
  /** Ids of resources created in this run, by collection. */
  private readonly createdIds = new Map<string, (string | number)[]>();
  /** An overlay's writes, replayed onto its base by commit(). */
  private readonly log: (() => void)[] = [];

  /** `base`: the pool this one overlays (use overlay()); none for a run's own pool. */
  constructor(private readonly base?: ResourcePool) {}

  /**
   * A pool that reads this one plus its own writes, as if its writes had been made on this one,
   * and keeps them to itself until commit(): one operation's view while others run concurrently.
   */
  overlay(): ResourcePool {
    return new ResourcePool(this);
  }

  /** Applies an overlay's writes to its base, in the order they were made. */
  commit(): void {
    for (const write of this.log.splice(0)) write();
  }

  /**
   * Records a response body of a call on a collection (a create's object or a list's first item).
   * The first resource created in a collection stays the one used: it was made from the spec's
   * examples, which other examples (a partial refund of that payment...) were written to fit.
   */
  remember(collection: string, body: unknown, created: boolean): void {
    const item = created ? asObject(body) : firstItem(body);
    if (!item) return;
    const named: [string, string | number][] = [];
    for (const key in item) {
      const value = item[key];
      if (isScalar(value) && /id$/i.test(key)) named.push([key, value]);
    }
    this.apply(collection, item, created, named);
  }

  /** Keeps a remembered resource and its ids by name (computed once, also for the commit). */
  private apply(
    collection: string,
    item: Record<string, unknown>,
    created: boolean,
    named: readonly [string, string | number][],
  ): void {
    const base = this.base;
    if (base) this.log.push(() => base.apply(collection, item, created, named));
    if (created ? !this.created.has(collection) : !this.byCollection.has(collection)) {
      this.byCollection.set(collection, item);
    }
    if (created) this.created.add(collection);
    for (const [key, value] of named) if (!this.byName.has(key)) this.byName.set(key, value);
  }

  /** Notes the id of a resource this run created in a collection. */
  noteCreated(collection: string, id: string | number): void {
    const base = this.base;
    if (base) this.log.push(() => base.noteCreated(collection, id));
    const ids = this.createdIds.get(collection) ?? [];
    ids.push(id);
    this.createdIds.set(collection, ids);
  }

  /** Ids of the resources this run created in a collection, oldest first. */
  createdIn(collection: string): (string | number)[] | undefined {
    const own = this.createdIds.get(collection);
    const earlier = this.base?.createdIn(collection);
    return earlier && own ? [...earlier, ...own] : (earlier ?? own);
  }

  /**
   * A value for path parameter `param` of a resource in `collection`, if one was seen: the first
   * candidate property `accept` takes. `accept` returns the value to send (converted to what the
   * parameter takes) or undefined for one that does not fit, so a team's numeric id is not sent where
   * its slug is wanted when the slug is there.
   */
  idFor(
    collection: string,
    param: string,
    accept: (value: string | number) => unknown = (value) => value,
  ): unknown {
    const item = this.item(collection);
    if (item) {
      for (const key of candidates(param, collection)) {
        const value = item[key];
        if (!isScalar(value)) continue;
        const fit = accept(value);
        if (fit !== undefined) return fit;
      }
    }
    const named = this.named(param);
    return isScalar(named) ? accept(named) : undefined;
  }

  /** The resource remembered for a collection: what remember() on one pool would have kept. */
  private item(collection: string): Record<string, unknown> | undefined {
    const base = this.base;
    if (!base) return this.byCollection.get(collection);
    // A created resource replaces a listed one, and the first created stays: the base's writes came first.
    if (base.created.has(collection)) return base.item(collection);
    if (this.created.has(collection)) return this.byCollection.get(collection);
    return base.item(collection) ?? this.byCollection.get(collection);
  }

  private named(param: string): unknown {
    const base = this.base;
    if (base?.byName.has(param)) return base.byName.get(param);
    return this.byName.get(param);
  }
}

function candidates(param: string, collection: string): string[] {
  const noun = singular(collection.split('/').filter(Boolean).pop() ?? '');
  const snake = param.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  // What the name says it is ("team_slug" is a slug, "environment_name" a name) before the usual ids.
  const last = snake.split('_').pop() ?? snake;
  return [param, snake, last, 'id', `${noun}Id`, `${noun}_id`, 'uuid', 'key', 'name', 'slug'];
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
