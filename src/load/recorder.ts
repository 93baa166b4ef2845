import { Histogram, type HistogramData } from './histogram.js';
import type { SeriesPoint } from './types.js';

/** Per-second histograms are coarser (about 3%): they only feed the p50/p95 of a chart point. */
const SECOND_BITS = 6;

interface Second {
  requests: number;
  errors: number;
  histogram: Histogram;
}

/** Everything a run measured; one per thread, merged exactly across worker threads. */
export class Recorder {
  readonly latency = new Histogram();
  readonly errors = new Map<string, number>();
  requests = 0;
  failed = 0;
  dropped = 0;
  readonly #seconds: Second[] = [];

  /** Records a completed iteration; `second` is seconds since the run's start. */
  record(micros: number, ok: boolean, status: number, errorClass: string | undefined, second: number): void {
    this.latency.record(micros);
    this.requests += 1;
    const s = this.#second(second);
    s.requests += 1;
    s.histogram.record(micros);
    if (!ok) {
      this.failed += 1;
      s.errors += 1;
      const key = errorClass ?? (status > 0 ? String(status) : 'error');
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
  }

  /** Completions in a given second so far. */
  requestsIn(second: number): number {
    return this.#seconds[second]?.requests ?? 0;
  }

  /** Adds another recorder's data (a worker's). */
  add(other: Recorder): void {
    this.latency.add(other.latency);
    this.requests += other.requests;
    this.failed += other.failed;
    this.dropped += other.dropped;
    for (const [k, n] of other.errors) this.errors.set(k, (this.errors.get(k) ?? 0) + n);
    other.#seconds.forEach((s, i) => {
      if (!s) return;
      const mine = this.#second(i);
      mine.requests += s.requests;
      mine.errors += s.errors;
      mine.histogram.add(s.histogram);
    });
  }

  /** One point per second from the first to the last with a completion. */
  series(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (let t = 0; t < this.#seconds.length; t++) {
      const s = this.#seconds[t];
      const empty = !s || s.requests === 0;
      out.push({
        t,
        requests: s?.requests ?? 0,
        errors: s?.errors ?? 0,
        p50: empty ? null : ms(s.histogram.percentile(50)),
        p95: empty ? null : ms(s.histogram.percentile(95)),
      });
    }
    return out;
  }

  toJSON(): RecorderData {
    return {
      latency: this.latency.toJSON(),
      errors: [...this.errors],
      requests: this.requests,
      failed: this.failed,
      dropped: this.dropped,
      seconds: this.#seconds.map((s) =>
        s ? { requests: s.requests, errors: s.errors, histogram: s.histogram.toJSON() } : null,
      ),
    };
  }

  /** Rebuilds a recorder posted by a worker thread. */
  static from(data: RecorderData): Recorder {
    const r = new Recorder();
    r.latency.add(Histogram.from(data.latency));
    for (const [k, n] of data.errors) r.errors.set(k, n);
    r.requests = data.requests;
    r.failed = data.failed;
    r.dropped = data.dropped;
    data.seconds.forEach((s, i) => {
      if (s)
        r.#seconds[i] = { requests: s.requests, errors: s.errors, histogram: Histogram.from(s.histogram) };
    });
    return r;
  }

  #second(i: number): Second {
    let s = this.#seconds[i];
    if (!s) {
      // Fill gaps so series() has a point for every second (holes in a sparse array read as undefined).
      for (let j = this.#seconds.length; j < i; j++) this.#seconds[j] ??= newSecond();
      s = newSecond();
      this.#seconds[i] = s;
    }
    return s;
  }
}

function newSecond(): Second {
  return { requests: 0, errors: 0, histogram: new Histogram(SECOND_BITS) };
}

/** Microseconds to milliseconds with two decimals. */
export function ms(micros: number): number {
  return Math.round(micros / 10) / 100;
}

export interface RecorderData {
  latency: HistogramData;
  errors: [string, number][];
  requests: number;
  failed: number;
  dropped: number;
  seconds: ({ requests: number; errors: number; histogram: HistogramData } | null)[];
}
