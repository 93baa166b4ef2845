/** A bounded buffer keeping the newest `capacity` items; older ones are dropped and counted. */
export class Ring<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #length = 0;
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('ring capacity must be at least 1');
    this.#items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    if (this.#length < this.capacity) {
      this.#items[(this.#start + this.#length) % this.capacity] = item;
      this.#length += 1;
      return;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
    this.#dropped += 1;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#length; i++) out.push(this.#items[(this.#start + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#length = 0;
  }

  get length(): number {
    return this.#length;
  }

  /** Items pushed out by newer ones since the start. */
  get dropped(): number {
    return this.#dropped;
  }
}
