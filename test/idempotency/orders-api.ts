// A small orders API with Idempotency-Key support written the way real servers get it right, and
// switches that seed the classic mistakes. Its handler is asynchronous (a storage round trip between
// looking a key up and creating), so concurrency defects can actually happen.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { listenLocal } from '../support/listen.js';

export type IdempotencyDefect =
  | 'ignore-key' // every send creates
  | 'race' // check-then-create without reserving the key: concurrent duplicates
  | 'no-fingerprint' // a reused key with another body replays the first answer
  | 'dedupe-by-body' // the body, not the key, decides: a new key returns the old order
  | 'replay-5xx'; // a retry with a known key crashes

export const ORDERS_SPEC = `openapi: 3.0.3
info: { title: Orders, version: 1.0.0 }
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 500 } }
      responses:
        '200':
          description: all orders
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more]
                properties:
                  data: { type: array, items: { $ref: '#/components/schemas/Order' } }
                  has_more: { type: boolean }
    post:
      operationId: createOrder
      parameters:
        - { name: Idempotency-Key, in: header, required: true, schema: { type: string, maxLength: 255 } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [sku, quantity]
              additionalProperties: false
              properties:
                sku: { type: string, enum: [A-1, B-2, C-3] }
                quantity: { type: integer, minimum: 1, maximum: 10, example: 2 }
      responses:
        '201':
          description: created
          content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } }
        '409': { description: the same key is being processed }
        '422': { description: the key was used with another body }
  /orders/{id}:
    get:
      operationId: getOrder
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        '200':
          description: one order
          content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } }
        '404': { description: no such order }
components:
  schemas:
    Order:
      type: object
      required: [id, sku, quantity]
      properties:
        id: { type: string }
        sku: { type: string }
        quantity: { type: integer }
`;

interface Stored {
  body: string;
  status: number;
  answer: string;
}

export interface OrdersApi {
  url: string;
  /** Orders created, in order. */
  orders: { id: string; sku: string; quantity: number }[];
  close(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the API on 127.0.0.1 with the given defects. */
export async function startOrdersApi(defects: readonly IdempotencyDefect[] = []): Promise<OrdersApi> {
  const has = (d: IdempotencyDefect) => defects.includes(d);
  const orders: OrdersApi['orders'] = [];
  const keys = new Map<string, Stored | 'pending'>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(
        req.method ?? 'GET',
        req.url ?? '/',
        req.headers['idempotency-key'],
        Buffer.concat(chunks).toString(),
      ).then(([status, answer]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(answer);
      });
    });
  });

  async function handle(method: string, url: string, key: unknown, body: string): Promise<[number, string]> {
    const path = new URL(url, 'http://x').pathname;
    if (method === 'GET' && path === '/orders')
      return [200, JSON.stringify({ data: orders, has_more: false })];
    if (method === 'GET' && path.startsWith('/orders/')) {
      const order = orders.find((o) => o.id === path.slice(8));
      return order ? [200, JSON.stringify(order)] : [404, '{"error":"no such order"}'];
    }
    if (method !== 'POST' || path !== '/orders') return [404, '{"error":"no such path"}'];
    if (typeof key !== 'string' || key === '') return [400, '{"error":"Idempotency-Key required"}'];
    let input: { sku?: unknown; quantity?: unknown };
    try {
      input = JSON.parse(body) as typeof input;
    } catch {
      return [400, '{"error":"malformed JSON"}'];
    }
    if (typeof input.sku !== 'string' || typeof input.quantity !== 'number')
      return [400, '{"error":"invalid"}'];
    const scope = has('dedupe-by-body') ? body : key;
    const seen = has('ignore-key') ? undefined : keys.get(scope);
    if (seen === 'pending') return [409, '{"error":"in progress"}'];
    if (seen) {
      if (has('replay-5xx')) return [500, '{"error":"replay cache corrupted"}'];
      if (seen.body !== body && !has('no-fingerprint') && !has('dedupe-by-body')) {
        return [422, '{"error":"key reused with another body"}'];
      }
      return [seen.status, seen.answer];
    }
    if (!has('race')) keys.set(scope, 'pending'); // reserve the key before the slow part
    await pause(15); // the storage round trip
    const order = { id: randomUUID(), sku: input.sku, quantity: input.quantity };
    orders.push(order);
    const answer = JSON.stringify(order);
    if (!has('ignore-key')) keys.set(scope, { body, status: 201, answer });
    return [201, answer];
  }

  return { ...(await listenLocal(server)), orders };
}
