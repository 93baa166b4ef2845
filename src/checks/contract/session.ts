import { randomUUID } from 'node:crypto';
import { GangwayError } from '../../core/errors.js';
import type { Finding, Sample } from '../../core/result.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { ApiSpec, Operation, SpecIssue } from '../../openapi/types.js';
import { Evidence, findingFromIssue, forValidation } from '../evidence.js';
import type { CheckContext } from '../kind.js';
import { type AuthProbe, authProbes, declaredKeyHeaders, judgeProbe } from './auth-probe.js';
import { toHttpRequest } from './build.js';
import { everythingNotFound, judgeNegative, notReached, untestedWithoutCredentials } from './findings.js';
import { judgeStatus } from './judge.js';
import { resolveLinks } from './links.js';
import { createdId, isWholeCollection, listItems, missingFromList } from './listing.js';
import { negativeCases } from './negative.js';
import { collectionOf, collectionPath } from './order.js';
import { searchFailure } from './property.js';
import { invalidPart, requestArbitrary, requestShape, toGenerated } from './property-request.js';
import { ResourcePool } from './resources.js';
import { ContractTransport } from './transport.js';

export interface SessionOptions {
  maxCasesPerOperation: number;
  /** Requests sent while shrinking a failing property-based case, per operation. */
  maxShrinks: number;
  /** Also send each accepted request to a secured operation without and with wrong credentials. */
  probeAuth: boolean;
  /** Also send requests that break one documented constraint each; they must get a 4xx. */
  negative: boolean;
  /** Requests per second at most. */
  rate?: number;
  /** Latency budget of each response, ms. */
  maxLatencyMs?: number;
}

interface Judgement {
  issues: SpecIssue[];
  judged: Finding[];
  /** A 404 to an id we made up: noted, not held against the API. */
  madeUpNotFound: boolean;
  /** No error finding: the property holds for this request. */
  ok: boolean;
}

/** A 32-bit fast-check seed for the operation at `index`, derived from the run's seed. */
export function propertySeed(runSeed: number, index: number): number {
  return (Math.imul(runSeed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) | 0;
}

/** Scalars (and empty containers) in a value: how big a request is, for shrink messages. */
function valueCount(value: unknown): number {
  if (Array.isArray(value))
    return value.length === 0 ? 1 : value.reduce((n: number, v) => n + valueCount(v), 0);
  if (value !== null && typeof value === 'object') {
    const values = Object.values(value);
    return values.length === 0 ? 0 : values.reduce((n: number, v) => n + valueCount(v), 0);
  }
  return value === undefined ? 0 : 1;
}

/** One contract run: the state shared by its calls (captured ids, evidence, counters). */
export class ContractSession {
  readonly evidence = new Evidence(200);
  readonly transport: ContractTransport;
  readonly called = new Set<string>();
  /** Requests of the property-based phase, those sent while shrinking, and failing cases found. */
  propertyRequests = 0;
  shrinkRequests = 0;
  counterexamples = 0;
  private readonly pool = new ResourcePool();
  private readonly hasCredentials: boolean;
  private readonly probes: AuthProbe[];
  /** Secured operations that refused us because no credentials were given. */
  private readonly refused = new Set<string>();
  private notFound = 0;
  /** Ids created in this run, by collection path. */
  private readonly created = new Map<string, (string | number)[]>();

  constructor(
    private readonly ctx: CheckContext,
    private readonly spec: ApiSpec,
    private readonly options: SessionOptions,
    private readonly signal: AbortSignal,
  ) {
    const env = ctx.environment;
    const headerNames = env?.headerNames ?? [];
    const declared = declaredKeyHeaders(spec);
    this.hasCredentials =
      (env !== undefined && env.auth.type !== 'none') ||
      headerNames.some(
        (h) => /authorization|api-?key|token|secret/i.test(h) || declared.includes(h.toLowerCase()),
      );
    this.probes =
      env && options.probeAuth && this.hasCredentials ? authProbes(env.auth, headerNames, declared) : [];
    this.transport = new ContractTransport(ctx.http, this.evidence, signal, {
      ...(options.rate !== undefined && { rate: options.rate }),
      ...(options.maxLatencyMs !== undefined && { maxLatencyMs: options.maxLatencyMs }),
    });
  }

  get samples(): Sample[] {
    return this.transport.samples;
  }

  get requests(): number {
    return this.transport.requests;
  }

  /** Documented responses (exact status codes) of the operations, and how many of them were seen. */
  responseCoverage(operations: readonly Operation[]) {
    return this.transport.responseCoverage(operations);
  }

  private send(op: Operation, request: HttpRequest): Promise<HttpResponse | undefined> {
    return this.transport.send(op, request);
  }

  /**
   * Calls one operation: first with examples and defaults (then auth probes, negative cases, the
   * delete check), then with up to maxCasesPerOperation - 1 property-based cases, shrunk on failure.
   */
  async exercise(op: Operation, index: number): Promise<void> {
    const { known, madeUpIds } = this.knownIds(op);
    const request = this.build(op, { seed: this.ctx.seed + index * 101, known, first: true });
    if (!request) return;
    const res = await this.send(op, request);
    if (!res) return;
    this.judge(op, res, madeUpIds);
    if (op.method === 'GET' && !op.path.endsWith('}')) this.checkListing(op, request, res);
    if (res.status >= 200 && res.status < 300) await this.followLinks(op, request, res, index);
    if (op.security.length > 0 && res.status !== 401 && res.status !== 403) await this.probe(op, request);
    if (this.options.negative && res.status >= 200 && res.status < 300) await this.negatives(op, request);
    if (op.method === 'DELETE' && !madeUpIds && res.status >= 200 && res.status < 300) {
      await this.expectGone(op, request);
    }
    // Without request data that varies, more cases of a parameterless GET would repeat the same call.
    if (op.parameters.length === 0 && !op.requestBody) return;
    if (this.options.maxCasesPerOperation > 1) await this.properties(op, index);
  }

  /** Captured ids for the operation's path parameters; madeUpIds when some had none. */
  private knownIds(op: Operation): { known: Record<string, unknown>; madeUpIds: boolean } {
    const known: Record<string, unknown> = {};
    let madeUpIds = false;
    for (const p of op.parameters.filter((p) => p.in === 'path')) {
      const id = this.pool.idFor(collectionOf(op.path, p.name), p.name);
      if (id !== undefined) known[p.name] = id;
      else madeUpIds = true;
    }
    return { known, madeUpIds };
  }

  /**
   * Property-based cases: "a valid request gets a response without error findings", checked by
   * fast-check on requests drawn from the operation's schemas. Findings of the shrunk (minimal)
   * failing request are recorded; those of the requests tried while shrinking are not.
   */
  private async properties(op: Operation, index: number): Promise<void> {
    const { known, madeUpIds } = this.knownIds(op);
    const shape = requestShape(op);
    const seed = propertySeed(this.ctx.seed, index);
    const outcome = await searchFailure(
      requestArbitrary(shape, this.spec, known),
      (values) => invalidPart(shape, values, this.spec) === undefined,
      async (values, shrinking) => {
        const request = toHttpRequest(op, toGenerated(shape, values), op.security.length > 0);
        const res = await this.send(op, request);
        if (!res) return undefined;
        this.observe(op, res);
        const judgement = this.assess(op, res, madeUpIds);
        this.transport.judged(judgement.ok);
        // Passing cases are evidence like any other; cases tried while shrinking are not.
        if (judgement.ok && !shrinking) this.record(op, res, judgement);
        return { failed: !judgement.ok, result: { res, judgement } };
      },
      { numRuns: this.options.maxCasesPerOperation - 1, maxShrinks: this.options.maxShrinks, seed },
      this.signal,
    );
    this.propertyRequests += outcome.generated + outcome.shrinking;
    this.shrinkRequests += outcome.shrinking;
    if (outcome.exhausted) {
      this.evidence.add(notReached(op, 'no generated request was valid against its schemas'));
    }
    if (!outcome.failure) return;
    const { res, judgement } = outcome.failure.result;
    this.counterexamples += 1;
    this.record(
      op,
      res,
      judgement,
      `property-based case (seed ${this.ctx.seed}), shrunk in ${outcome.shrinks} step(s) from a request of ${valueCount(outcome.original)} value(s) to a minimal one of ${valueCount(outcome.failure.values)}`,
    );
  }

  /** Findings that need the whole run: untested secured operations, a base URL answering 404 to everything. */
  finish(): void {
    if (this.refused.size > 0) this.evidence.add(untestedWithoutCredentials([...this.refused]));
    if (this.requests > 1 && this.notFound === this.requests) {
      this.evidence.add(everythingNotFound(this.ctx.environment?.baseUrl, this.spec));
    }
  }

  private build(op: Operation, c: { seed: number; known: Record<string, unknown>; first: boolean }) {
    try {
      const generated = this.spec.generateRequest(op, {
        seed: c.seed,
        known: c.known,
        preferExamples: c.first,
        includeOptional: !c.first,
      });
      if (generated.contentType && /multipart\//i.test(generated.contentType)) {
        this.evidence.add(notReached(op, 'multipart request bodies are not generated yet'));
        return undefined;
      }
      return toHttpRequest(op, generated, op.security.length > 0);
    } catch (error) {
      if (!(error instanceof GangwayError)) throw error;
      this.evidence.add(notReached(op, `no valid request could be built: ${error.message}`));
      return undefined;
    }
  }

  private judge(op: Operation, res: HttpResponse, madeUpIds: boolean): void {
    this.observe(op, res);
    const judgement = this.assess(op, res, madeUpIds);
    this.transport.judged(judgement.ok);
    this.record(op, res, judgement);
  }

  /** What a response teaches the session, findings aside: calls, 404s, refusals, captured ids. */
  private observe(op: Operation, res: HttpResponse): void {
    this.called.add(op.id);
    if (res.status === 404) this.notFound += 1;
    if (!this.hasCredentials && op.security.length > 0 && (res.status === 401 || res.status === 403)) {
      this.refused.add(op.id);
    }
    this.remember(op, res);
  }

  /** The findings a response to a valid request earns, without recording them. */
  private assess(op: Operation, res: HttpResponse, madeUpIds: boolean): Judgement {
    let issues = this.spec.validateResponse(op, forValidation(res));
    const madeUpNotFound = res.status === 404 && madeUpIds;
    // Nothing was created or listed to take an id from, so "not found" is the right answer to our
    // made-up id: an undocumented 404 is noted, not held against the API.
    if (madeUpNotFound) issues = issues.filter((i) => i.code !== 'status.undocumented');
    const judged = judgeStatus(op, res, { hasCredentials: this.hasCredentials });
    const ok = issues.length === 0 && judged.every((f) => f.severity !== 'error');
    return { issues, judged, madeUpNotFound, ok };
  }

  /** Records a judgement's findings; `note` (how a property-based case was found) joins each message. */
  private record(op: Operation, res: HttpResponse, j: Judgement, note?: string): void {
    const noted = (f: Finding): Finding => (note ? { ...f, message: `${f.message} (${note})` } : f);
    if (j.madeUpNotFound) {
      this.evidence.add(
        notReached(op, 'it answered 404 to a made-up id (no create or list gave a real one)'),
      );
    }
    this.evidence.keep(res.exchange);
    for (const issue of j.issues) this.evidence.add(noted(findingFromIssue(issue, op, res)), res.exchange);
    for (const f of j.judged) this.evidence.add(noted(f), res.exchange);
  }

  /** The accepted request again without and with wrong credentials: each must be refused with 401/403. */
  private async probe(op: Operation, accepted: HttpRequest): Promise<void> {
    for (const probe of this.probes) {
      const res = await this.send(op, probe.request(accepted));
      if (!res) continue;
      const finding = judgeProbe(op, probe, res);
      this.transport.judged(finding === undefined);
      if (finding) this.evidence.add(finding, res.exchange);
      else this.evidence.keep(res.exchange);
    }
  }

  /** After a successful delete, reading the same resource must answer 404 or 410. */
  private async expectGone(op: Operation, deleted: HttpRequest): Promise<void> {
    const read = this.spec.operations.find((o) => o.method === 'GET' && o.path === op.path);
    if (!read) return;
    const res = await this.send(read, {
      ...deleted,
      method: 'GET',
      body: undefined,
      operation: read.id,
      query: {},
    });
    if (!res) return;
    this.evidence.keep(res.exchange);
    if (res.status === 404 || res.status === 410) return;
    this.transport.judged(false);
    this.evidence.add(
      {
        code: 'stateful.deleted-still-present',
        severity: 'error',
        message: `${read.id} answered ${res.status} for a resource ${op.id} had just deleted`,
        operation: read.id,
        pointer: 'status',
        expected: '404 or 410 after the delete',
        actual: String(res.status),
        hint: 'A successful delete must make the resource unreachable (or document soft deletion and its status).',
        curl: res.curl,
      },
      res.exchange,
    );
  }

  /** Requests breaking one constraint each, sent with fresh idempotency keys so no replay hides a check. */
  private async negatives(op: Operation, valid: HttpRequest): Promise<void> {
    for (const c of negativeCases(op, this.spec, valid)) {
      const headers = Object.fromEntries(
        Object.entries(c.request.headers ?? {}).map(([k, v]) => [
          k,
          /idempotency/i.test(k) && c.where.toLowerCase() !== `header:${k.toLowerCase()}` ? randomUUID() : v,
        ]),
      );
      const res = await this.send(op, { ...c.request, headers });
      if (!res) continue;
      const finding = judgeNegative(op, c.what, c.where, res);
      this.transport.judged(finding === undefined);
      this.evidence.keep(res.exchange);
      if (finding) this.evidence.add(finding, res.exchange);
      else this.evidence.addSpecIssues(this.spec.validateResponse(op, forValidation(res)), op, res);
    }
  }

  private remember(op: Operation, res: HttpResponse): void {
    if (res.status < 200 || res.status >= 300 || op.path.endsWith('}')) return;
    const create = op.method === 'POST' || op.method === 'PUT';
    if (!create && op.method !== 'GET') return;
    const body = jsonOf(res);
    if (body === undefined) return;
    this.pool.remember(collectionPath(op), body, create);
    const id = op.method === 'POST' ? createdId(body) : undefined;
    if (id !== undefined) {
      const ids = this.created.get(collectionPath(op)) ?? [];
      ids.push(id);
      this.created.set(collectionPath(op), ids);
    }
  }

  /** Follows the documented links of a response (one level): the linked call must succeed as documented. */
  private async followLinks(
    op: Operation,
    request: HttpRequest,
    res: HttpResponse,
    index: number,
  ): Promise<void> {
    for (const link of resolveLinks(this.spec, op, request, res).slice(0, 5)) {
      const known = { ...this.knownIds(link.target).known, ...link.values };
      const next = this.build(link.target, { seed: this.ctx.seed + index * 101 + 7, known, first: true });
      if (!next) continue;
      const answer = await this.send(link.target, next);
      if (!answer) continue;
      this.judge(link.target, answer, false);
      if (answer.status === 404 || answer.status === 410) {
        this.evidence.add(
          {
            code: 'stateful.link-broken',
            severity: 'error',
            message: `following link ${link.name} of ${op.id} to ${link.target.id} answered ${answer.status}`,
            operation: link.target.id,
            pointer: 'status',
            expected: `the resource ${op.id} pointed to (${JSON.stringify(link.values)})`,
            actual: String(answer.status),
            hint: 'A link must lead to something that exists: check the values the response gives for it.',
            curl: answer.curl,
          },
          answer.exchange,
        );
      }
    }
  }

  /** A complete listing of a collection must contain what this run created in it. */
  private checkListing(op: Operation, request: HttpRequest, res: HttpResponse): void {
    const created = this.created.get(collectionPath(op));
    if (!created || res.status < 200 || res.status >= 300) return;
    const body = jsonOf(res);
    const items = listItems(body);
    if (!items || !isWholeCollection(request, res, body, items)) return;
    const finding = missingFromList(op, created, items, res);
    if (finding) this.evidence.add(finding, res.exchange);
  }
}

function jsonOf(res: HttpResponse): unknown {
  try {
    return res.json();
  } catch {
    return undefined;
  }
}
