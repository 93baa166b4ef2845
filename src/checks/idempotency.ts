import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { GangwayError } from '../core/errors.js';
import type { HttpRequest } from '../http/types.js';
import type { ApiSpec, JsonSchema, Operation } from '../openapi/types.js';
import { faultSchema, startProxy } from '../proxy/index.js';
import { toHttpRequest } from './contract/build.js';
import { Evidence } from './evidence.js';
import { CollectionCounter } from './idempotency/collection.js';
import { firstDifference } from './idempotency/compare.js';
import {
  afterTimeout,
  type CommitThenReset,
  changedBody,
  concurrent,
  differentKey,
  type Run,
  sequential,
} from './idempotency/scenarios.js';
import type { CheckContext, CheckKind } from './kind.js';

const options = z
  .strictObject({
    operation: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The create to test (operationId or "POST /path"; default: the first POST that documents an idempotency key header, else the first POST on a collection).',
      ),
    header: z
      .string()
      .min(1)
      .optional()
      .describe('Name of the key header (default: the one the operation documents, else Idempotency-Key).'),
    body: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('JSON body of the create (default: built from the spec, examples first).'),
    repeats: z
      .number()
      .int()
      .min(2)
      .max(20)
      .default(3)
      .describe('Sends of the same create, one after another, with one key.'),
    concurrency: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(5)
      .describe('Identical creates sent at once with one key (0: skip).'),
    timeoutAfterCommit: z
      .boolean()
      .default(true)
      .describe(
        'Lose the answer of a create after the API did it (a fault proxy resets the connection), then retry with the same key.',
      ),
    differentKey: z
      .boolean()
      .default(true)
      .describe('The same body with a new key must create a new resource.'),
    changedBody: z
      .boolean()
      .default(true)
      .describe('A reused key with another valid body must be refused (4xx, as documented).'),
  })
  .default({ repeats: 3, concurrency: 5, timeoutAfterCommit: true, differentKey: true, changedBody: true });

type Options = z.output<typeof options>;

const KEY_HEADER = /^(idempotency-key|x-idempotency-key|idempotency_key)$/i;

/** Creates with one Idempotency-Key, repeated, concurrent and after a lost answer, make exactly one resource. */
export const idempotency = {
  kind: 'idempotency',
  description:
    'Repeats a create with the same idempotency key (in a row, at once, after a lost answer): one resource, the same answer; a new key makes a new one; a reused key with another body is refused.',
  options,
  needsEnvironment: true,
  needsSpec: true,
  runsAlone: true,
  title: (o) => `idempotency${o.operation ? ` ${o.operation}` : ''}`,
  async run(ctx, o, signal) {
    const env = ctx.environment!;
    if (env.production) {
      return {
        summary: 'not run: it creates resources, and this is a production environment',
        findings: [],
        skipped: 'creates resources; not run against a production environment',
      };
    }
    const spec = ctx.spec!;
    const op = pickOperation(spec, o.operation);
    const header =
      o.header ??
      op.parameters.find((p) => p.in === 'header' && KEY_HEADER.test(p.name))?.name ??
      'Idempotency-Key';
    const request = createRequest(spec, op, o, ctx.seed);
    const run: Run = {
      op,
      header,
      request,
      http: ctx.http,
      signal,
      evidence: new Evidence(60),
      notJudged: [],
      created: new Set(),
      ...optional('changed', o.changedBody ? changedRequest(spec, op, request, ctx.seed) : undefined),
      ...optional('counter', CollectionCounter.for(spec, op, ctx.http, ctx.seed)),
    };
    if (!run.counter) run.notJudged.push('resource counts: the spec has no list operation on the collection');
    else {
      // Other clients may create in the same collection meanwhile: when the body has a free-text
      // property, only resources carrying this run's marker in it are counted.
      const marker = markBody(spec, op, request);
      if (marker) run.counter.marker = marker;
    }

    ctx.progress(`${o.repeats} sends with one key`, 0, 5);
    const first = await sequential(run, o.repeats);
    if (first) {
      if (o.concurrency > 0) {
        ctx.progress(`${o.concurrency} concurrent sends with one key`, 1, 5);
        await concurrent(run, o.concurrency);
      }
      if (o.timeoutAfterCommit) {
        ctx.progress('a lost answer, then a retry', 2, 5);
        const proxy = await commitThenReset(ctx, op);
        try {
          await afterTimeout(run, proxy);
        } finally {
          await proxy.close();
        }
      }
      if (o.differentKey) {
        ctx.progress('a new key with the same body', 3, 5);
        await differentKey(run, first.answer);
      }
      if (o.changedBody) {
        ctx.progress('a reused key with another body', 4, 5);
        await changedBody(run, first.key);
      }
    }
    const errors = run.evidence.findings.filter((f) => f.severity === 'error').length;
    const judged = run.notJudged.length ? `; not judged: ${run.notJudged.join('; ')}` : '';
    return {
      summary: `${op.id} with ${header}: ${errors} finding(s), ${run.created.size} resource(s) created${judged}`,
      findings: run.evidence.findings,
      measurements: { 'resources.created': run.created.size, 'behaviours.notJudged': run.notJudged.length },
      exchanges: run.evidence.exchanges,
    };
  },
} satisfies CheckKind<typeof options>;

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function pickOperation(spec: ApiSpec, ref: string | undefined): Operation {
  if (ref !== undefined) {
    const op = spec.operation(ref);
    if (!op) throw new GangwayError('check.bad-option', `operation "${ref}" is not in the spec`);
    return op;
  }
  const posts = spec.operations.filter((op) => op.method === 'POST');
  const op =
    posts.find((p) => p.parameters.some((x) => x.in === 'header' && KEY_HEADER.test(x.name))) ??
    posts.find((p) => !p.path.replace(/\/$/, '').endsWith('}'));
  if (!op) {
    throw new GangwayError(
      'check.bad-option',
      'the spec has no POST operation to test idempotency on: name one with the option `operation`',
    );
  }
  return op;
}

function createRequest(spec: ApiSpec, op: Operation, o: Options, seed: number): HttpRequest {
  const generated = spec.generateRequest(op, { seed, preferExamples: true, includeOptional: false });
  const request = toHttpRequest(op, generated, op.security.length > 0);
  if (o.body !== undefined) {
    request.body = o.body;
    request.headers = { ...request.headers, 'content-type': 'application/json' };
  }
  return request;
}

/** Another valid body for the same create: generated with another seed, else one value changed. */
function changedRequest(
  spec: ApiSpec,
  op: Operation,
  request: HttpRequest,
  seed: number,
): HttpRequest | undefined {
  const schema = jsonBodySchema(op);
  if (schema === undefined || request.body === undefined || typeof request.body !== 'object')
    return undefined;
  const valid = (body: unknown) => spec.conforms(schema, body, 'request');
  for (let i = 1; i <= 5; i++) {
    const body = spec.generateRequest(op, {
      seed: seed + i * 7919,
      preferExamples: false,
      includeOptional: true,
    }).body;
    if (body !== undefined && firstDifference(body, request.body) !== undefined && valid(body)) {
      return { ...request, body };
    }
  }
  const tweaked = tweak(request.body);
  return tweaked !== undefined && valid(tweaked) ? { ...request, body: tweaked } : undefined;
}

/**
 * Puts a unique marker into the first free-text string property of the body (no enum, format or pattern)
 * when the body stays valid, so the resources this check creates can be told from anybody else's.
 */
function markBody(
  spec: ApiSpec,
  op: Operation,
  request: HttpRequest,
): { property: string; value: string } | undefined {
  const schema = jsonBodySchema(op);
  const body = request.body;
  if (schema === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    return undefined;
  const properties = (spec.resolve(schema) as { properties?: Record<string, unknown> }).properties ?? {};
  const suffix = `-gw${randomBytes(4).toString('hex')}`;
  for (const [property, value] of Object.entries(body)) {
    if (typeof value !== 'string') continue;
    const p = spec.resolve((properties[property] ?? {}) as JsonSchema) as Record<string, unknown>;
    if (p.enum !== undefined || p.format !== undefined || p.pattern !== undefined || p.const !== undefined)
      continue;
    const marked = { ...body, [property]: `${value}${suffix}` };
    if (!spec.conforms(schema, marked, 'request')) continue;
    request.body = marked;
    return { property, value: `${value}${suffix}` };
  }
  return undefined;
}

function jsonBodySchema(op: Operation): JsonSchema | undefined {
  return Object.entries(op.requestBody?.content ?? {}).find(([type]) => /json/i.test(type))?.[1].schema;
}

/** The body with its first string value suffixed (or number incremented). */
function tweak(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') return { ...body, [key]: `${value}-2` };
    if (typeof value === 'number') return { ...body, [key]: value + 1 };
  }
  return undefined;
}

/** A fault proxy in front of the environment that resets the first create after the API answered it. */
async function commitThenReset(ctx: CheckContext, op: Operation): Promise<CommitThenReset> {
  const env = ctx.environment!;
  const fault = faultSchema.parse({ type: 'reset', phase: 'response', method: op.method, first: 1 });
  const proxy = await startProxy({
    upstream: env.baseUrl,
    faults: [fault],
    redactor: ctx.redactor,
    ...(env.tls && { upstreamTls: env.tls }),
    ...(ctx.http.lookup && { lookup: ctx.http.lookup }),
  });
  // The proxy is ours, on loopback: past the address guard; the proxy's upstream side is guarded.
  const undo = ctx.http.exemptOrigin(proxy.url);
  return {
    url: proxy.url,
    close: () => {
      undo();
      return proxy.close();
    },
  };
}
