import { randomUUID } from 'node:crypto';
import { GangwayError } from '../../core/errors.js';
import type { Finding, Sample } from '../../core/result.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { ApiSpec, Operation, SpecIssue } from '../../openapi/types.js';
import { Evidence, findingFromIssue, forValidation } from '../evidence.js';
import type { CheckContext } from '../kind.js';
import { type AuthProbe, authProbes, declaredKeyHeaders, judgeProbe } from './auth-probe.js';
import { toHttpRequest } from './build.js';
import {
  brokenLink,
  everythingNotFound,
  judgeNegative,
  notReached,
  stillPresent,
  untestedWithoutCredentials,
} from './findings.js';
import { fitToParameter } from './fit.js';
import { judgeStatus } from './judge.js';
import { resolveLinks } from './links.js';
import { createdId, isWholeCollection, listItems, missingFromList } from './listing.js';
import { negativeCases } from './negative.js';
import { collectionOf, collectionPath } from './order.js';
import { searchFailure, valueCount } from './property.js';
import { invalidPart, requestArbitrary, requestShape, toGenerated } from './property-request.js';
import { EXCHANGES_KEPT, OperationRecord } from './recorder.js';
import { ResourcePool } from './resources.js';
import { runOrdered, startsAfter } from './schedule.js';
import { operationSeed, propertySeed } from './seeds.js';
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
  /** Operations exercised at once (1: one after the other). */
  concurrency?: number;
}

/** One operation's view of the run while it is exercised: what it records, and its view of the ids pool. */
interface Turn {
  /** The operation's position in the run order (its data's seed). */
  index: number;
  record: OperationRecord;
  pool: ResourcePool;
}

interface Judgement {
  issues: SpecIssue[];
  judged: Finding[];
  /** A 404 to an id we made up: noted, not held against the API. */
  madeUpNotFound: boolean;
  /** No error finding: the property holds for this request. */
  ok: boolean;
}

/** One contract run: the state shared by its calls (captured ids, evidence, counters). */
export class ContractSession {
  readonly evidence = new Evidence(EXCHANGES_KEPT);
  readonly transport: ContractTransport;
  readonly called = new Set<string>();
  /** Requests of the property-based phase, those sent while shrinking, and failing cases found. */
  propertyRequests = 0;
  shrinkRequests = 0;
  counterexamples = 0;
  /** Ids captured from creates and lists, as recorded in operation order. */
  private readonly pool = new ResourcePool();
  private readonly hasCredentials: boolean;
  private readonly probes: AuthProbe[];
  /** Secured operations that refused us because no credentials were given. */
  private readonly refused = new Set<string>();
  private notFound = 0;
  /** Position of each operation in the run: what is reported across operations keeps that order. */
  private readonly position = new Map<string, number>();

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
    this.transport = new ContractTransport(ctx.http, signal, {
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

  /**
   * Exercises the operations (in the order given), up to `concurrency` at once. An operation that may
   * use ids an earlier one captures starts after that one is recorded, and each operation's findings,
   * evidence and ids are recorded in operation order: the same seed gives the same findings at any
   * concurrency.
   */
  async exerciseAll(operations: readonly Operation[], progress: (op: Operation, index: number) => void) {
    for (const [index, op] of operations.entries()) this.position.set(op.id, index);
    const turns: (Turn | undefined)[] = [];
    await runOrdered(
      operations.length,
      this.options.concurrency ?? 1,
      startsAfter(operations),
      async (index) => {
        const op = operations[index]!;
        progress(op, index);
        const turn: Turn = { index, record: new OperationRecord(), pool: this.pool.overlay() };
        turns[index] = turn;
        await this.exercise(op, turn);
      },
      (index) => {
        const turn = turns[index];
        turns[index] = undefined;
        if (!turn) return;
        turn.pool.commit();
        turn.record.replayInto(this.evidence, this.transport.samples);
      },
    );
  }

  private send(op: Operation, request: HttpRequest, turn: Turn): Promise<HttpResponse | undefined> {
    return this.transport.send(op, request, turn.record);
  }

  /**
   * Calls one operation: first with examples and defaults (then auth probes, negative cases, the
   * delete check), then with up to maxCasesPerOperation - 1 property-based cases, shrunk on failure.
   */
  private async exercise(op: Operation, turn: Turn): Promise<void> {
    const { known, madeUpIds } = this.knownIds(op, turn);
    const seed = operationSeed(this.ctx.seed, turn.index);
    const request = this.build(op, { seed, known, first: true }, turn);
    if (!request) return;
    const res = await this.send(op, request, turn);
    if (!res) return;
    this.judge(op, res, madeUpIds, turn);
    if (op.method === 'GET' && !op.path.endsWith('}')) this.checkListing(op, request, res, turn);
    if (res.status >= 200 && res.status < 300) await this.followLinks(op, request, res, turn);
    if (op.security.length > 0 && res.status !== 401 && res.status !== 403) {
      await this.probe(op, request, turn);
    }
    if (this.options.negative && res.status >= 200 && res.status < 300) {
      await this.negatives(op, request, turn);
    }
    if (op.method === 'DELETE' && !madeUpIds && res.status >= 200 && res.status < 300) {
      await this.expectGone(op, request, turn);
    }
    // Without request data that varies, more cases of a parameterless GET would repeat the same call.
    if (op.parameters.length === 0 && !op.requestBody) return;
    if (this.options.maxCasesPerOperation > 1) await this.properties(op, turn);
  }

  /** Captured ids for the operation's path parameters; madeUpIds when some had none. */
  private knownIds(op: Operation, turn: Turn): { known: Record<string, unknown>; madeUpIds: boolean } {
    const known: Record<string, unknown> = {};
    let madeUpIds = false;
    for (const p of op.parameters) {
      if (p.in !== 'path') continue;
      const id = turn.pool.idFor(collectionOf(op.path, p.name), p.name, (v) =>
        fitToParameter(p, v, this.spec),
      );
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
  private async properties(op: Operation, turn: Turn): Promise<void> {
    const { known, madeUpIds } = this.knownIds(op, turn);
    const shape = requestShape(op);
    const outcome = await searchFailure(
      requestArbitrary(shape, this.spec, known),
      (values) => invalidPart(shape, values, this.spec) === undefined,
      async (values, shrinking) => {
        const request = toHttpRequest(op, toGenerated(shape, values), op.security.length > 0);
        const res = await this.send(op, request, turn);
        if (!res) return undefined;
        this.observe(op, res, turn);
        const judgement = this.assess(op, res, madeUpIds);
        turn.record.judged(judgement.ok);
        // Passing cases are evidence like any other; cases tried while shrinking are not.
        if (judgement.ok && !shrinking) this.record(op, res, judgement, turn);
        return { failed: !judgement.ok, result: { res, judgement } };
      },
      {
        numRuns: this.options.maxCasesPerOperation - 1,
        maxShrinks: this.options.maxShrinks,
        seed: propertySeed(this.ctx.seed, turn.index),
      },
      this.signal,
    );
    this.propertyRequests += outcome.generated + outcome.shrinking;
    this.shrinkRequests += outcome.shrinking;
    if (outcome.exhausted) {
      turn.record.add(notReached(op, 'no generated request was valid against its schemas'));
    }
    if (!outcome.failure) return;
    const { res, judgement } = outcome.failure.result;
    this.counterexamples += 1;
    this.record(
      op,
      res,
      judgement,
      turn,
      `property-based case (seed ${this.ctx.seed}), shrunk in ${outcome.shrinks} step(s) from a request of ${valueCount(outcome.original)} value(s) to a minimal one of ${valueCount(outcome.failure.values)}`,
    );
  }

  /** Findings that need the whole run: untested secured operations, a base URL answering 404 to everything. */
  finish(): void {
    if (this.refused.size > 0) {
      const order = (id: string) => this.position.get(id) ?? Number.MAX_SAFE_INTEGER;
      const refused = [...this.refused].sort((a, b) => order(a) - order(b));
      this.evidence.add(untestedWithoutCredentials(refused));
    }
    if (this.requests > 1 && this.notFound === this.requests) {
      this.evidence.add(everythingNotFound(this.ctx.environment?.baseUrl, this.spec));
    }
  }

  private build(
    op: Operation,
    c: { seed: number; known: Record<string, unknown>; first: boolean },
    turn: Turn,
  ): HttpRequest | undefined {
    try {
      const generated = this.spec.generateRequest(op, {
        seed: c.seed,
        known: c.known,
        preferExamples: c.first,
        includeOptional: !c.first,
      });
      if (generated.contentType && /multipart\//i.test(generated.contentType)) {
        turn.record.add(notReached(op, 'multipart request bodies are not generated yet'));
        return undefined;
      }
      return toHttpRequest(op, generated, op.security.length > 0);
    } catch (error) {
      if (!(error instanceof GangwayError)) throw error;
      turn.record.add(notReached(op, `no valid request could be built: ${error.message}`));
      return undefined;
    }
  }

  private judge(op: Operation, res: HttpResponse, madeUpIds: boolean, turn: Turn): void {
    this.observe(op, res, turn);
    const judgement = this.assess(op, res, madeUpIds);
    turn.record.judged(judgement.ok);
    this.record(op, res, judgement, turn);
  }

  /** What a response teaches the session, findings aside: calls, 404s, refusals, captured ids. */
  private observe(op: Operation, res: HttpResponse, turn: Turn): void {
    this.called.add(op.id);
    if (res.status === 404) this.notFound += 1;
    if (!this.hasCredentials && op.security.length > 0 && (res.status === 401 || res.status === 403)) {
      this.refused.add(op.id);
    }
    this.remember(op, res, turn);
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
  private record(op: Operation, res: HttpResponse, j: Judgement, turn: Turn, note?: string): void {
    const noted = (f: Finding): Finding => (note ? { ...f, message: `${f.message} (${note})` } : f);
    const { record } = turn;
    if (j.madeUpNotFound) {
      record.add(notReached(op, 'it answered 404 to a made-up id (no create or list gave a real one)'));
    }
    record.keepFor(res);
    for (const issue of j.issues) record.addFor(noted(findingFromIssue(issue, op, res)), res);
    for (const f of j.judged) record.addFor(noted(f), res);
  }

  /** The accepted request again without and with wrong credentials: each must be refused with 401/403. */
  private async probe(op: Operation, accepted: HttpRequest, turn: Turn): Promise<void> {
    for (const probe of this.probes) {
      const res = await this.send(op, probe.request(accepted), turn);
      if (!res) continue;
      const finding = judgeProbe(op, probe, res);
      turn.record.judged(finding === undefined);
      if (finding) turn.record.addFor(finding, res);
      else turn.record.keepFor(res);
    }
  }

  /** Requests breaking one constraint each, sent with fresh idempotency keys so no replay hides a check. */
  private async negatives(op: Operation, valid: HttpRequest, turn: Turn): Promise<void> {
    for (const c of negativeCases(op, this.spec, valid)) {
      const headers = Object.fromEntries(
        Object.entries(c.request.headers ?? {}).map(([k, v]) => [
          k,
          /idempotency/i.test(k) && c.where.toLowerCase() !== `header:${k.toLowerCase()}` ? randomUUID() : v,
        ]),
      );
      const res = await this.send(op, { ...c.request, headers }, turn);
      if (!res) continue;
      const finding = judgeNegative(op, c.what, c.where, res);
      turn.record.judged(finding === undefined);
      turn.record.keepFor(res);
      if (finding) turn.record.addFor(finding, res);
      else {
        for (const issue of this.spec.validateResponse(op, forValidation(res))) {
          turn.record.addFor(findingFromIssue(issue, op, res), res);
        }
      }
    }
  }

  private remember(op: Operation, res: HttpResponse, turn: Turn): void {
    if (res.status < 200 || res.status >= 300 || op.path.endsWith('}')) return;
    const create = op.method === 'POST' || op.method === 'PUT';
    if (!create && op.method !== 'GET') return;
    const body = jsonOf(res);
    if (body === undefined) return;
    turn.pool.remember(collectionPath(op), body, create);
    const id = op.method === 'POST' ? createdId(body) : undefined;
    if (id !== undefined) turn.pool.noteCreated(collectionPath(op), id);
  }

  /**
   * After a successful delete of one resource (its path ends with the parameter naming it), reading it
   * again must not serve it: a 2xx is the finding. A delete at a collection or singleton path
   * (DELETE /trivia, DELETE /captions?id=...) says nothing about what a read there answers — a list, a
   * default — so it is not followed up; nor is a read refused for other reasons (a 400 for a query the
   * read requires, a 401): that is not the resource being served.
   */
  private async expectGone(op: Operation, deleted: HttpRequest, turn: Turn): Promise<void> {
    if (!op.path.endsWith('}')) return;
    const read = this.spec.operations.find((o) => o.method === 'GET' && o.path === op.path);
    if (!read) return;
    const res = await this.send(
      read,
      { ...deleted, method: 'GET', body: undefined, operation: read.id, query: {} },
      turn,
    );
    if (!res) return;
    turn.record.keepFor(res);
    // A read of what was just deleted is a valid request: it must not fail the server either.
    if (res.status >= 500)
      for (const f of judgeStatus(read, res, { hasCredentials: this.hasCredentials }))
        turn.record.addFor(f, res);
    if (res.status < 200 || res.status >= 300) return;
    turn.record.judged(false);
    turn.record.addFor(stillPresent(op, read, res), res);
  }

  /** Follows the documented links of a response (one level): the linked call must succeed as documented. */
  private async followLinks(op: Operation, request: HttpRequest, res: HttpResponse, turn: Turn) {
    for (const link of resolveLinks(this.spec, op, request, res).slice(0, 5)) {
      const known = { ...this.knownIds(link.target, turn).known, ...link.values };
      const seed = operationSeed(this.ctx.seed, turn.index) + 7;
      const next = this.build(link.target, { seed, known, first: true }, turn);
      if (!next) continue;
      const answer = await this.send(link.target, next, turn);
      if (!answer) continue;
      this.judge(link.target, answer, false, turn);
      if (answer.status === 404 || answer.status === 410) {
        turn.record.addFor(brokenLink(op, link, answer), answer);
      }
    }
  }

  /** A complete listing of a collection must contain what this run created in it. */
  private checkListing(op: Operation, request: HttpRequest, res: HttpResponse, turn: Turn): void {
    const created = turn.pool.createdIn(collectionPath(op));
    if (!created || res.status < 200 || res.status >= 300) return;
    const body = jsonOf(res);
    const items = listItems(body);
    if (!items || !isWholeCollection(request, res, body, items)) return;
    const finding = missingFromList(op, created, items, res);
    if (finding) turn.record.addFor(finding, res);
  }
}

function jsonOf(res: HttpResponse): unknown {
  try {
    return res.json();
  } catch {
    return undefined;
  }
}
