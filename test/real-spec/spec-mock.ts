// A mock API built from a spec by Gangway's own generator: each request is matched to its operation
// and answered with a sample of the first documented 2xx response, in its documented content type.
// A correct mock by construction, so `gangway contract` against it must find nothing; used by the
// real-spec test and as the benchmark's fallback when Prism cannot run.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isJsonMedia, stripServerBase } from '../../src/openapi/index.js';
import type { ApiSpec, Operation, ResponseSpec } from '../../src/openapi/types.js';

export interface SpecMock {
  url: string;
  /** Requests answered, by status. */
  statuses: Map<number, number>;
  close(): Promise<void>;
}

/** The 2xx response the mock answers with: the lowest exact 2xx status, else a 2XX range (as 200). */
export function successResponse(op: Operation): { status: number; spec: ResponseSpec } | undefined {
  const exact = op.responses
    .filter((r) => /^2\d\d$/.test(r.status))
    .sort((a, b) => Number(a.status) - Number(b.status))[0];
  if (exact) return { status: Number(exact.status), spec: exact };
  const range = op.responses.find((r) => r.status.toUpperCase() === '2XX');
  if (range) return { status: 200, spec: range };
  // An operation that only redirects (an OAuth authorize endpoint) answers its first documented redirect.
  const redirect = op.responses
    .filter((r) => /^3\d\d$/.test(r.status))
    .sort((a, b) => Number(a.status) - Number(b.status))[0];
  return redirect ? { status: Number(redirect.status), spec: redirect } : undefined;
}

/** The documented media type to answer with (JSON first) and the Content-Type to send for it. */
export function chooseMedia(response: ResponseSpec): { key: string; contentType: string } | undefined {
  const keys = Object.keys(response.content);
  const key = keys.find((k) => isJsonMedia(k)) ?? keys.find((k) => k.includes('*')) ?? keys[0];
  if (key === undefined) return undefined;
  // A range cannot be sent as a Content-Type: JSON is covered by */* and application/*; another
  // range (image/*, audio/*) gets a type of its own family.
  const family = key.split('/')[0] ?? '*';
  const contentType = !key.includes('*')
    ? key
    : family === '*' || family === 'application'
      ? 'application/json'
      : `${family}/octet-stream`;
  return { key, contentType };
}

/** Starts the mock on 127.0.0.1 (port 0). `seed` makes the answers reproducible. */
export async function startSpecMock(spec: ApiSpec, seed = 1): Promise<SpecMock> {
  const statuses = new Map<number, number>();
  const server = createServer((req, res) => {
    let status: number;
    try {
      status = answer(spec, seed, req, res);
    } catch (error) {
      // The generator could not draw an answer: a 500 the contract check reports, not a dead mock.
      status = send(
        res,
        500,
        'text/plain',
        `mock: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statuses,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function answer(spec: ApiSpec, seed: number, req: IncomingMessage, res: ServerResponse): number {
  req.resume();
  // The query stays: it tells apart operations whose path keys share a path ("/?Action=...").
  const path = stripServerBase(spec.servers, req.url ?? '/');
  const matched = spec.match(req.method ?? 'GET', path, req.headers);
  const success = matched && successResponse(matched.operation);
  if (!matched || !success) return send(res, 404, 'application/json', '{"message":"no such operation"}');
  const headers = sampleHeaders(spec, success.spec, seed);
  const media = chooseMedia(success.spec);
  if (success.status >= 300 && success.status < 400) headers.location ??= '/';
  if (!media || success.status === 204 || req.method === 'HEAD') {
    res.writeHead(success.status, headers).end();
    return success.status;
  }
  const schema = success.spec.content[media.key]?.schema;
  const value = schema === undefined ? {} : spec.sample(schema, { seed, direction: 'response' });
  const body = isJsonMedia(media.contentType) ? JSON.stringify(value) : String(value ?? 'x');
  return send(res, success.status, media.contentType, body, headers);
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): number {
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return status;
}

/** Required response headers, sampled from their schemas; a value that cannot be a header is left out. */
function sampleHeaders(spec: ApiSpec, response: ResponseSpec, seed: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, header] of Object.entries(response.headers)) {
    if (!header.required || name.toLowerCase() === 'content-type') continue;
    const value =
      header.schema === undefined ? 'x' : spec.sample(header.schema, { seed, direction: 'response' });
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (/^[\t\x20-\x7e]*$/.test(text)) out[name] = text;
  }
  return out;
}
