import { errorMessage, type GangwayError } from '../../core/errors.js';
import type { Sample } from '../../core/result.js';
import type { HttpClient } from '../../http/client.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import { sendOrRecord } from '../http-failure.js';
import type { OperationRecord } from './recorder.js';

/**
 * How a contract run sends: paced to a rate, one polite retry after 429, silence and slowness turned
 * into findings, every request a latency sample, every status remembered for coverage.
 */
export class ContractTransport {
  readonly samples: Sample[] = [];
  requests = 0;
  private readonly started = Date.now();
  private nextSlot = 0;
  /** "operationId status" pairs seen, for coverage of documented responses. */
  private readonly statusesSeen = new Set<string>();

  constructor(
    private readonly http: HttpClient,
    private readonly signal: AbortSignal,
    private readonly limits: { rate?: number; maxLatencyMs?: number },
  ) {}

  /**
   * Sends a request; on 429 waits for Retry-After (at most 5s) once. Silence becomes a finding, and
   * the latency sample, in the operation's record (`samples` gets them when the record is replayed).
   */
  async send(
    op: Operation,
    request: HttpRequest,
    record: OperationRecord,
  ): Promise<HttpResponse | undefined> {
    const describe = (error: GangwayError) => ({
      code: 'response.none',
      severity: 'error' as const,
      message: `${op.id}: no response: ${errorMessage(error)}`,
      operation: op.id,
      actual: error.code,
      hint: 'The API did not answer this request; a valid request must get an answer within the timeouts.',
    });
    await this.pace();
    const t = Date.now() - this.started;
    this.requests += 1;
    let res = await sendOrRecord(this.http, request, this.signal, record, describe);
    if (res?.status === 429) {
      const wait = Math.min(5, Number(res.headers['retry-after'] ?? 1) || 1);
      await new Promise((r) => setTimeout(r, wait * 1000));
      res = await sendOrRecord(this.http, request, this.signal, record, describe);
    }
    record.samples.push({
      t,
      ms: res ? res.timings.total : Date.now() - this.started - t,
      ok: res !== undefined,
      label: op.id,
    });
    if (res) {
      this.statusesSeen.add(`${op.id} ${res.status}`);
      this.checkLatency(op, res, record);
    }
    return res;
  }

  /** Documented responses (exact status codes) of the operations, and how many of them were seen. */
  responseCoverage(operations: readonly Operation[]): { documented: number; seen: number } {
    let documented = 0;
    let seen = 0;
    for (const op of operations) {
      for (const r of op.responses) {
        if (!/^\d{3}$/.test(r.status)) continue;
        documented += 1;
        if (this.statusesSeen.has(`${op.id} ${r.status}`)) seen += 1;
      }
    }
    return { documented, seen };
  }

  /** Waits for the next slot when a rate is set, so a sandbox is never hit harder than agreed. */
  private async pace(): Promise<void> {
    if (!this.limits.rate) return;
    const interval = 1000 / this.limits.rate;
    const wait = this.nextSlot - performance.now();
    this.nextSlot = Math.max(this.nextSlot, performance.now()) + interval;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  private checkLatency(op: Operation, res: HttpResponse, record: OperationRecord): void {
    const budget = this.limits.maxLatencyMs;
    if (budget === undefined || res.timings.total <= budget) return;
    record.addFor(
      {
        code: 'response.slow',
        severity: 'error',
        message: `${op.id} took ${Math.round(res.timings.total)}ms, over the ${budget}ms budget per response`,
        operation: op.id,
        pointer: 'latency',
        expected: `≤ ${budget}ms`,
        actual: `${Math.round(res.timings.total)}ms`,
        hint: 'Find what makes this call slow: the evidence has per-phase timings (DNS, connect, TLS, first byte).',
        curl: res.curl,
      },
      res,
    );
  }
}
