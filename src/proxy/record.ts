import type { IncomingMessage } from 'node:http';
import { stripServerBase } from '../openapi/router.js';
import { requestConformance } from './conformance.js';
import type { ProxyCore } from './core.js';
import { clientOf, credentialOf, fingerprint } from './identity.js';
import type { ObservedExchange } from './observation.js';

/** What the proxy learns of a request before deciding on a fault. */
export interface RequestFacts {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Path without the query. */
  path: string;
  client: string;
  headers: Record<string, string>;
  idempotencyKey?: string;
  credentialFingerprint?: string;
  bodyFingerprint?: string;
  bodyBytes: number;
  operation?: string;
  conformance: { pointer: string; message: string }[];
}

/** What happened to the exchange, filled in as it goes. */
export interface ExchangeRecord {
  seq: number;
  startedAt: number;
  fault?: { id: string; type: string };
  status?: number;
  retryAfterSeconds?: number | undefined;
  outcome?: ObservedExchange['outcome'];
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Reads identity, credential and (with a spec) operation and conformance from a request. Without `body` (not read
 * yet) the body facts and the conformance are left empty.
 */
export function parseRequest(req: IncomingMessage, core: ProxyCore, body?: Buffer): RequestFacts {
  const url = req.url ?? '/';
  const method = (req.method ?? 'GET').toUpperCase();
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const spec = core.options.spec;
  const credential = credentialOf(req.headers, query, spec);
  const credentialFingerprint = credential === undefined ? undefined : fingerprint(credential);
  const idem = req.headers['idempotency-key'] ?? req.headers['x-idempotency-key'];
  const facts: RequestFacts = {
    method,
    url,
    path,
    client: clientOf(
      req.headers,
      core.options.clientHeader ?? 'x-client-id',
      credentialFingerprint,
      req.socket.remoteAddress,
    ),
    headers: core.redactor.headers(flatHeaders(req)),
    bodyBytes: body?.length ?? 0,
    conformance: [],
  };
  if (typeof idem === 'string') facts.idempotencyKey = idem;
  if (credentialFingerprint !== undefined) facts.credentialFingerprint = credentialFingerprint;
  if (body !== undefined && body.length > 0) facts.bodyFingerprint = fingerprint(body);
  if (spec) {
    const match = spec.match(method, stripServerBase(spec.servers, path), req.headers);
    if (match) facts.operation = match.operation.id;
    if (body !== undefined) {
      facts.conformance = match
        ? requestConformance(spec, match.operation, {
            pathParams: match.pathParams,
            query,
            headers: req.headers,
            body,
          })
        : [{ pointer: '', message: `${method} ${path} is not an operation of ${spec.title}` }];
    }
  }
  return facts;
}

/** The observation of a finished exchange; the URL and headers redacted, the credential only fingerprinted. */
export function observe(rec: ExchangeRecord, facts: RequestFacts, core: ProxyCore): ObservedExchange {
  const out: ObservedExchange = {
    seq: rec.seq,
    client: facts.client,
    startedAt: rec.startedAt,
    endedAt: Date.now(),
    method: facts.method,
    url: core.redactor.url(facts.url),
    headers: facts.headers,
    bodyBytes: facts.bodyBytes,
    conformance: facts.conformance,
    outcome: rec.outcome ?? 'client-abort',
  };
  if (facts.idempotencyKey !== undefined) out.idempotencyKey = facts.idempotencyKey;
  if (facts.credentialFingerprint !== undefined) out.credentialFingerprint = facts.credentialFingerprint;
  if (facts.bodyFingerprint !== undefined) out.bodyFingerprint = facts.bodyFingerprint;
  if (facts.operation !== undefined) out.operation = facts.operation;
  if (rec.fault !== undefined) out.fault = rec.fault;
  if (rec.status !== undefined) out.status = rec.status;
  if (rec.retryAfterSeconds !== undefined) out.retryAfterSeconds = rec.retryAfterSeconds;
  return out;
}
