/**
 * A log-linear latency histogram in the style of HdrHistogram: values (integer microseconds) below
 * 2^bits are counted exactly, above that each power of two is split into 2^(bits-1) equal buckets, so
 * the relative error stays below 2^-(bits-1) (0.8% at the default 8 bits). Plain typed arrays make it
 * cheap to record (no WebAssembly hop, nothing to destroy), exact to merge (counts add up) and cheap to
 * send between worker threads.
 */
export class Histogram {
  readonly bits: number;
  readonly counts: Float64Array;
  count = 0;
  /** Microseconds; +Infinity while empty. */
  min = Number.POSITIVE_INFINITY;
  max = 0;
  sum = 0;
  // Plain (TypeScript-private) fields: on Node 20 they read faster than #fields in this hot path.
  private readonly sub: number;
  private readonly half: number;
  private readonly last: number;

  constructor(bits = 8, counts?: Float64Array) {
    this.bits = bits;
    this.sub = 1 << bits;
    this.half = this.sub >> 1;
    // Values below 2^31 µs (35 minutes) get their own bucket; longer ones are clamped into the last.
    const size = this.sub + (31 - bits) * this.half + 1;
    this.last = size - 1;
    this.counts = counts ?? new Float64Array(size);
  }

  /** Records one value in microseconds (fractions are rounded). */
  record(micros: number): void {
    const v = micros < 0 ? 0 : Math.round(micros);
    this.counts[this.index(v)]! += 1;
    this.count += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Adds every count of another histogram of the same resolution: the merge is exact. */
  add(other: Histogram): void {
    if (other.bits !== this.bits) throw new RangeError('histograms of different resolution');
    const mine = this.counts;
    const theirs = other.counts;
    for (let i = 0; i < theirs.length; i++) if (theirs[i] !== 0) mine[i]! += theirs[i]!;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** Nearest-rank percentile in microseconds (the bucket's highest value, never above the max); NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      // The last bucket also holds the clamped values: only the max is right there.
      if (seen >= rank) return i === this.last ? this.max : Math.min(this.highest(i), this.max);
    }
    return this.max;
  }

  /** How many recorded values are certainly above `micros` (whole buckets above it). */
  countAbove(micros: number): number {
    const from = this.index(Math.max(0, Math.floor(micros))) + 1;
    let n = 0;
    const counts = this.counts;
    for (let i = from; i < counts.length; i++) n += counts[i]!;
    return n;
  }

  /** Mean in microseconds; NaN when empty. */
  mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  /** A plain copy for postMessage (the typed array is cloned, or transferred by the caller). */
  toJSON(): HistogramData {
    return {
      bits: this.bits,
      counts: this.counts,
      count: this.count,
      min: this.min,
      max: this.max,
      sum: this.sum,
    };
  }

  /** Rebuilds a histogram from toJSON() output (as received from a worker thread). */
  static from(data: HistogramData): Histogram {
    const h = new Histogram(data.bits, Float64Array.from(data.counts));
    h.count = data.count;
    h.min = data.min;
    h.max = data.max;
    h.sum = data.sum;
    return h;
  }

  private index(v: number): number {
    if (v < this.sub) return v;
    if (v >= 0x80000000) return this.last;
    // Bit operations, not Math.log2 or division: this runs once per request.
    const shift = 32 - this.bits - Math.clz32(v);
    return this.sub + (shift - 1) * this.half + ((v >>> shift) - this.half);
  }

  private highest(index: number): number {
    if (index < this.sub) return index;
    const shift = (((index - this.sub) / this.half) | 0) + 1;
    const within = ((index - this.sub) % this.half) + this.half;
    return (within + 1) * 2 ** shift - 1;
  }
}

/** The serialisable form of a Histogram. */
export interface HistogramData {
  bits: number;
  counts: Float64Array;
  count: number;
  min: number;
  max: number;
  sum: number;
}
