import { z } from 'zod';
import { GangwayError, InputError } from '../core/errors.js';
import type { HttpClient } from '../http/client.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { ApiSpec, Operation } from '../openapi/types.js';
import { toHttpRequest } from './contract/build.js';
import { compareResponses } from './drift/compare.js';
import { Evidence } from './evidence.js';
import { errorExchange, isTargetFailure } from './http-failure.js';
import type { CheckKind, OtherEnvironment } from './kind.js';

const options = z.strictObject({
  against: z
    .string()
    .min(1)
    .describe("The other environment of the playbook (e.g. production) compared with the stage's.")
    .meta({ examples: ['production'] }),
  operations: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'GET operations to compare (operationId or "GET /path"; default: every GET whose path parameters have examples, or that has none).',
    ),
  headers: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'Response headers to compare, by value (default: content-type by media type, plus the headers the spec documents, by presence).',
    ),
});

type Options = z.output<typeof options>;

const SAFE = new Set(['GET', 'HEAD']);

/** The same safe requests against two environments: status, response shape, headers and API version must agree. */
export const drift = {
  kind: 'drift',
  description:
    "Sends the same GET requests to the stage's environment and another one: differences in status, response shape, headers and API version are findings.",
  options,
  needsEnvironment: true,
  needsSpec: true,
  title: (o) => `drift against ${o.against}`,
  async run(ctx, o, signal) {
    const spec = ctx.spec!;
    const here = ctx.environment!;
    if (o.against === here.name) {
      throw new GangwayError(
        'check.bad-option',
        `against names the stage's own environment "${here.name}": name the one to compare it with`,
      );
    }
    if (!ctx.otherEnvironment) {
      throw new GangwayError(
        'check.unavailable',
        'drift compares two environments of a playbook: run it with gangway run',
      );
    }
    const operations = selectOperations(spec, o.operations);
    if (operations.length === 0) {
      const why = 'no GET operation to compare (each has path parameters without examples)';
      return { summary: why, findings: [], skipped: why };
    }
    const other = await prepareOther(ctx.otherEnvironment, o.against);
    const evidence = new Evidence(100);
    let compared = 0;
    for (const [i, op] of operations.entries()) {
      if (signal.aborted) break;
      ctx.progress(op.id, i, operations.length);
      const request = toHttpRequest(op, spec.generateRequest(op, { seed: ctx.seed }), true);
      const [a, b] = await Promise.all([send(ctx.http, request, signal), send(other.http, request, signal)]);
      if (!a.response || !b.response) {
        noResponse(evidence, op, [
          [here.name, a],
          [o.against, b],
        ]);
        continue;
      }
      compared += 1;
      evidence.keep(a.response.exchange);
      const differences = compareResponses(
        { name: here.name, status: a.response.status, headers: a.response.headers, body: a.response.text() },
        { name: o.against, status: b.response.status, headers: b.response.headers, body: b.response.text() },
        { headers: headersFor(op, a.response.status, o), compareValues: o.headers !== undefined },
      );
      for (const d of differences) {
        evidence.add(
          { ...d, message: `${op.id}: ${d.message}`, operation: op.id, curl: b.response.curl },
          b.response.exchange,
        );
      }
    }
    const n = evidence.findings.length;
    const between = `${here.name} and ${o.against}`;
    return {
      summary:
        n === 0
          ? `${compared} operation${compared === 1 ? '' : 's'} alike in ${between}`
          : `${n} difference${n === 1 ? '' : 's'} between ${between} over ${operations.length} operation${operations.length === 1 ? '' : 's'}`,
      findings: evidence.findings,
      measurements: { operations: operations.length, compared, differences: n },
      exchanges: evidence.exchanges,
    };
  },
} satisfies CheckKind<typeof options>;

/** The operations named in the options (each must be a safe one), or every GET that can be called as documented. */
export function selectOperations(spec: ApiSpec, refs: readonly string[] | undefined): Operation[] {
  if (!refs) return spec.operations.filter((op) => op.method === 'GET' && callable(spec, op));
  return refs.map((ref) => {
    const op = spec.operation(ref);
    if (!op) throw new GangwayError('check.bad-option', `operation "${ref}" is not in the spec`);
    if (!SAFE.has(op.method)) {
      throw new GangwayError(
        'check.bad-option',
        `operation "${ref}" is a ${op.method}: drift sends only safe requests (GET, HEAD)`,
      );
    }
    return op;
  });
}

/** True when every path parameter has an example: a made-up id would only compare two 404s. */
function callable(spec: ApiSpec, op: Operation): boolean {
  return op.parameters
    .filter((p) => p.in === 'path')
    .every((p) => {
      if (p.examples.length > 0) return true;
      const schema = p.schema === undefined ? undefined : spec.resolve(p.schema);
      return typeof schema === 'object' && ('example' in schema || 'examples' in schema);
    });
}

/** Headers to compare: the ones asked for, else content-type plus those the spec documents for this status. */
function headersFor(op: Operation, status: number, o: Options): string[] {
  if (o.headers) return o.headers.map((h) => h.toLowerCase());
  const exact = String(status);
  const range = `${Math.floor(status / 100)}XX`;
  const response =
    op.responses.find((r) => r.status === exact) ??
    op.responses.find((r) => r.status.toUpperCase() === range) ??
    op.responses.find((r) => r.status === 'default');
  return ['content-type', ...Object.keys(response?.headers ?? {}).map((h) => h.toLowerCase())];
}

async function prepareOther(
  factory: (name: string) => Promise<OtherEnvironment>,
  name: string,
): Promise<OtherEnvironment> {
  try {
    return await factory(name);
  } catch (error) {
    // An unknown name is a mistake in the check's options, not a problem of the target.
    if (error instanceof InputError) {
      throw new GangwayError('check.bad-option', `against: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

interface Sent {
  response?: HttpResponse;
  error?: GangwayError;
}

async function send(http: HttpClient, request: HttpRequest, signal: AbortSignal): Promise<Sent> {
  try {
    return { response: await http.request(request, signal) };
  } catch (error) {
    if (signal.aborted || !isTargetFailure(error)) throw error;
    return { error };
  }
}

function noResponse(evidence: Evidence, op: Operation, sides: [string, Sent][]): void {
  for (const [name, sent] of sides) {
    if (!sent.error) continue;
    evidence.add(
      {
        code: 'drift.no-response',
        severity: 'error',
        message: `${op.id}: no response from ${name}: ${sent.error.message}`,
        operation: op.id,
        pointer: 'status',
        expected: 'a response',
        actual: sent.error.code,
        hint: `Check that ${name} is up and reachable from here; the operations could not be compared.`,
      },
      errorExchange(sent.error),
    );
  }
}
