import assert from 'node:assert/strict';
import type { SpecValidator } from './spec-validator.js';

export interface Call {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** JSON body (serialised), or a raw string sent as is. */
  body?: unknown;
  /** Access token; false to send none. Defaults to the client's token. */
  token?: string | false;
  /** Check the response against the spec (default true). */
  validate?: boolean;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for reading JSON bodies
  json: any;
}

/** A small spec-aware client: builds the request from the operationId and asserts the response conforms. */
export class Client {
  token: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly spec: SpecValidator,
  ) {}

  /** Gets a token with the demo credentials and keeps it for later calls. */
  async login(form: Record<string, string> = {}): Promise<string> {
    const answer = await this.form('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: 'demo-client',
      client_secret: 'demo-secret',
      ...form,
    });
    assert.equal(answer.status, 200, answer.text);
    this.token = answer.json.access_token as string;
    return this.token;
  }

  /** POSTs a form to a path and checks it against getToken. */
  async form(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    return this.#answer('getToken', res, true);
  }

  /** Calls an operation of the spec by operationId. */
  async call(operationId: string, call: Call = {}): Promise<Answer> {
    const op = this.spec.operations.get(operationId);
    assert.ok(op, `no operation ${operationId}`);
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(call.params?.[name] ?? ''),
    );
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...call.headers };
    const token = call.token === undefined ? this.token : call.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (call.body !== undefined) {
      body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url, { method: op.method, headers, ...(body !== undefined ? { body } : {}) });
    return this.#answer(operationId, res, call.validate ?? true);
  }

  async #answer(operationId: string, res: Response, validate: boolean): Promise<Answer> {
    const text = await res.text();
    const answer: Answer = { status: res.status, headers: res.headers, text, json: undefined };
    try {
      answer.json = text === '' ? undefined : JSON.parse(text);
    } catch {
      // left undefined: the spec check below reports non-JSON bodies
    }
    if (validate) {
      const problems = this.spec.problems(operationId, answer);
      assert.deepEqual(problems, [], `${operationId} ${res.status} does not match the spec: ${text}`);
    }
    return answer;
  }
}

/** The JSON body of a raw fetch response, typed loosely like Answer.json. */
export async function jsonOf(res: Response): Promise<Answer['json']> {
  return res.json();
}

/** A fresh Idempotency-Key. */
export const key = (): string => crypto.randomUUID();

/** A valid createPayment body. */
export const order = (amount = 1250) => ({
  amount,
  currency: 'EUR',
  description: 'Order 1042',
  customer: { email: 'buyer@example.com', name: 'Ada Lovelace' },
  metadata: { order_id: '1042' },
});
