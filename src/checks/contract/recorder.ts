import type { Exchange, Finding, Sample } from '../../core/result.js';
import type { HttpResponse } from '../../http/types.js';
import { Evidence } from '../evidence.js';

/** Exchanges a contract run keeps as evidence (passing ones included), as Evidence's default. */
export const EXCHANGES_KEPT = 200;

type Entry =
  | { finding: Finding; exchange?: Exchange; res?: HttpResponse }
  | { finding?: undefined; exchange?: Exchange; res?: HttpResponse };

/**
 * One operation's findings, kept exchanges and latency samples, held back until its turn: operations
 * run concurrently, but what they record reaches the run's evidence in operation order, so the same
 * seed gives the same findings (and counts, and kept exchanges) at any concurrency. Responses are
 * held instead of exchanges: a response's redacted exchange is built only if it is kept.
 */
export class OperationRecord extends Evidence {
  readonly samples: Sample[] = [];
  private readonly entries: Entry[] = [];

  constructor() {
    super(0);
  }

  /** Holds a finding (with the exchange it points at) for the run's evidence. */
  override add(finding: Finding, exchange?: Exchange): void {
    this.entries.push(exchange === undefined ? { finding } : { finding, exchange });
  }

  /** Holds an exchange to keep; its id is the one the run's evidence will use. */
  override keep(exchange: Exchange): string {
    this.entries.push({ exchange });
    return exchange.id;
  }

  /** Holds a finding about a response, its exchange built only when the finding is recorded. */
  addFor(finding: Finding, res: HttpResponse): void {
    this.entries.push({ finding, res });
  }

  /** Holds a response whose exchange is kept if the run's evidence still has room then. */
  keepFor(res: HttpResponse): void {
    this.entries.push({ res });
  }

  /** Marks the latest sample as passed or failed once its response has been judged. */
  judged(ok: boolean): void {
    const last = this.samples[this.samples.length - 1];
    if (last) last.ok = ok;
  }

  /** Records everything held into the run's evidence and samples, in the order it was held. */
  replayInto(evidence: Evidence, samples: Sample[]): void {
    for (const e of this.entries) {
      if (e.finding !== undefined) evidence.add(e.finding, e.exchange ?? e.res?.exchange);
      else if (e.exchange !== undefined) evidence.keep(e.exchange);
      else if (e.res !== undefined && evidence.exchanges.length < EXCHANGES_KEPT) {
        evidence.keep(e.res.exchange);
      }
    }
    this.entries.length = 0;
    for (const s of this.samples) samples.push(s);
  }
}
