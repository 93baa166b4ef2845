import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers; written to the socket in one place (sendReply). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; absent for none. */
  body?: unknown;
  contentType?: 'application/json' | 'application/problem+json';
  /** Marks payment bodies so the schema-drift fault can reshape them when they are sent. */
  shape?: 'payment' | 'payment-list';
}

export interface FieldError {
  pointer: string;
  message: string;
}

const PROBLEM_BASE = 'https://docs.payments.example/problems/';

/** A JSON reply. */
export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, contentType: 'application/json', ...(headers ? { headers } : {}) };
}

/** An RFC 9457 problem reply with a stable code. */
export function problem(
  status: number,
  code: string,
  title: string,
  detail?: string,
  extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
): Reply {
  const body: Record<string, unknown> = { type: PROBLEM_BASE + code, title, status, code };
  if (detail !== undefined) body.detail = detail;
  if (extra.errors && extra.errors.length > 0) body.errors = extra.errors;
  return {
    status,
    body,
    contentType: 'application/problem+json',
    ...(extra.headers ? { headers: extra.headers } : {}),
  };
}

export type BodyResult = { ok: true; text: string } | { ok: false; reply: Reply };

/** Reads a request body up to `limit` bytes; larger bodies get 413 without being buffered. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const tooLarge = (): BodyResult => ({
    ok: false,
    reply: problem(
      413,
      'payload_too_large',
      'The request body is too large',
      `The limit is ${limit} bytes.`,
      {
        headers: { Connection: 'close' },
      },
    ),
  });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(tooLarge());
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        // Keep draining so the 413 can still be written on this socket.
        resolve(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
      }
    });
    req.on('error', () => {
      if (!done) {
        done = true;
        resolve({ ok: false, reply: problem(400, 'invalid_body', 'The request body could not be read') });
      }
    });
  });
}

/** Media type of a request without parameters, lower case ("application/json"). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Writes a reply: JSON bodies get an exact Content-Type and Content-Length. */
export function sendReply(req: IncomingMessage, res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { 'X-Request-Id': requestId, ...reply.headers };
  let payload: Buffer | undefined;
  if (reply.body !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
    headers['Content-Type'] = reply.contentType ?? 'application/json';
    headers['Content-Length'] = payload.length;
  } else {
    headers['Content-Length'] = 0;
  }
  res.writeHead(reply.status, headers);
  res.end(req.method === 'HEAD' ? undefined : payload);
}
