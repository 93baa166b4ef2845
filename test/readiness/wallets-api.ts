// A two-tenant transfers API for the "ready for real traffic" acceptance test: each partner has its own
// bearer token and sees only its own transfers; creates take an Idempotency-Key. Switches seed the
// defects issue 4 names: auth not enforced, one tenant reading another's data, a repeated key creating
// duplicates, slow responses, bursts of 500s.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { listenLocal } from '../support/listen.js';

export type ReadinessDefect = 'auth-not-enforced' | 'cross-tenant' | 'duplicates' | 'slow' | 'burst-500';

export const TOKENS = { a: 'tok-partner-a-5d1c8e', b: 'tok-partner-b-9a7f20' } as const;

export const WALLETS_SPEC = `openapi: 3.0.3
info: { title: Wallets, version: 2.1.0 }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
  schemas:
    Transfer:
      type: object
      required: [id, amount, currency, to]
      properties:
        id: { type: string }
        amount: { type: integer, minimum: 1 }
        currency: { type: string, enum: [EUR, USD] }
        to: { type: string }
    Problem:
      type: object
      properties: { error: { type: string } }
security: [{ bearer: [] }]
paths:
  /transfers:
    get:
      operationId: listTransfers
      parameters:
        - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 200 } }
      responses:
        '200':
          description: the partner's transfers
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more]
                properties:
                  data: { type: array, items: { $ref: '#/components/schemas/Transfer' } }
                  has_more: { type: boolean }
        '401': { description: no or bad token, content: { application/json: { schema: { $ref: '#/components/schemas/Problem' } } } }
        '429': { description: slow down, headers: { Retry-After: { schema: { type: integer } } } }
    post:
      operationId: createTransfer
      parameters:
        - { name: Idempotency-Key, in: header, required: true, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount, currency, to]
              additionalProperties: false
              properties:
                amount: { type: integer, minimum: 1, maximum: 100000, example: 2500 }
                currency: { type: string, enum: [EUR, USD] }
                to: { type: string, example: wallet-77 }
      responses:
        '201': { description: created, content: { application/json: { schema: { $ref: '#/components/schemas/Transfer' } } } }
        '401': { description: no or bad token, content: { application/json: { schema: { $ref: '#/components/schemas/Problem' } } } }
        '409': { description: the same key is in progress }
        '422': { description: the key was used with another body }
  /transfers/{id}:
    get:
      operationId: getTransfer
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        '200': { description: one transfer, content: { application/json: { schema: { $ref: '#/components/schemas/Transfer' } } } }
        '401': { description: no or bad token, content: { application/json: { schema: { $ref: '#/components/schemas/Problem' } } } }
        '404': { description: no such transfer, content: { application/json: { schema: { $ref: '#/components/schemas/Problem' } } } }
`;

interface Transfer {
  id: string;
  owner: 'a' | 'b';
  amount: number;
  currency: string;
  to: string;
}

export interface WalletsApi {
  url: string;
  transfers: Transfer[];
  close(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the API on 127.0.0.1 with the given defects; every partner starts with one transfer. */
export async function startWalletsApi(defects: readonly ReadinessDefect[] = []): Promise<WalletsApi> {
  const has = (d: ReadinessDefect) => defects.includes(d);
  const transfers: Transfer[] = [
    { id: randomUUID(), owner: 'a', amount: 100, currency: 'EUR', to: 'wallet-1' },
    { id: randomUUID(), owner: 'b', amount: 200, currency: 'USD', to: 'wallet-2' },
  ];
  const keys = new Map<string, { body: string; answer: string } | 'pending'>();
  let served = 0;
  // A token bucket per token (and one for anonymous callers): bursts of 50, 40 requests/s sustained.
  const buckets = new Map<string, { tokens: number; at: number }>();
  const allow = (who: string): boolean => {
    const now = Date.now();
    const b = buckets.get(who) ?? { tokens: 50, at: now };
    b.tokens = Math.min(50, b.tokens + ((now - b.at) / 1000) * 40);
    b.at = now;
    buckets.set(who, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
  const view = ({ owner: _, ...t }: Transfer) => t;

  async function handle(method: string, url: string, headers: Record<string, unknown>, body: string) {
    served += 1;
    if (has('slow')) await pause(250);
    if (has('burst-500') && served % 4 === 0) return [500, { error: 'upstream ledger unavailable' }] as const;
    const path = new URL(url, 'http://x').pathname;
    const auth = String(headers.authorization ?? '');
    const who = auth === `Bearer ${TOKENS.a}` ? 'a' : auth === `Bearer ${TOKENS.b}` ? 'b' : undefined;
    if (!allow(who ?? 'anonymous'))
      return [429, { error: 'too many requests' }, { 'retry-after': '1' }] as const;
    const readById = method === 'GET' && path.startsWith('/transfers/');
    if (!who && !(has('auth-not-enforced') && readById))
      return [401, { error: 'a valid bearer token is required' }] as const;
    if (method === 'GET' && path === '/transfers') {
      return [200, { data: transfers.filter((t) => t.owner === who).map(view), has_more: false }] as const;
    }
    if (readById) {
      const t = transfers.find((x) => x.id === path.slice('/transfers/'.length));
      const visible = t && (t.owner === who || !who || has('cross-tenant'));
      return visible ? ([200, view(t)] as const) : ([404, { error: 'no such transfer' }] as const);
    }
    if (method === 'POST' && path === '/transfers') {
      const key = String(headers['idempotency-key'] ?? '');
      if (!key) return [400, { error: 'Idempotency-Key required' }] as const;
      let input: Partial<Transfer>;
      try {
        input = JSON.parse(body) as Partial<Transfer>;
      } catch {
        return [400, { error: 'malformed JSON' }] as const;
      }
      const { amount, currency, to } = input;
      if (
        typeof amount !== 'number' ||
        !['EUR', 'USD'].includes(String(currency)) ||
        typeof to !== 'string'
      ) {
        return [400, { error: 'invalid transfer' }] as const;
      }
      const scope = `${who}:${key}`;
      const seen = has('duplicates') ? undefined : keys.get(scope);
      if (seen === 'pending') return [409, { error: 'in progress' }] as const;
      if (seen)
        return seen.body === body
          ? ([201, JSON.parse(seen.answer)] as const)
          : ([422, { error: 'key reused' }] as const);
      if (!has('duplicates')) keys.set(scope, 'pending');
      await pause(5);
      const t: Transfer = { id: randomUUID(), owner: who ?? 'a', amount, currency: String(currency), to };
      transfers.push(t);
      if (!has('duplicates')) keys.set(scope, { body, answer: JSON.stringify(view(t)) });
      return [201, view(t)] as const;
    }
    return [404, { error: 'no such path' }] as const;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString()).then(
        ([status, answer, extra]) => {
          res.writeHead(status, { 'content-type': 'application/json', ...extra });
          res.end(JSON.stringify(answer));
        },
      );
    });
  });
  return { ...(await listenLocal(server)), transfers };
}
