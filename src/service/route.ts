import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal, Role, ServiceContext } from './types.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a handler receives: the validated parts of the request and who sent it. */
export interface Call<P, Q, B> {
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  ctx: ServiceContext;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One endpoint: its schemas are the single source for request validation, response shaping and the
 * OpenAPI document (/api/v1/openapi.json). `roles` is who may call it at all; partner scope is decided
 * in the handler (through src/service/scope.ts), because it depends on the resource.
 */
export interface Route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** OpenAPI path under /api/v1, e.g. /partners/{partnerId}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  roles: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** The success answer. `schema` shapes the body (unknown fields are dropped); none: no body. */
  response: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  /**
   * Codes of 400 answers for rules the schemas cannot express (code → when), listed in the OpenAPI
   * document so a client (and Gangway's own contract check) can tell them from malformed requests.
   */
  rules?: Readonly<Record<string, string>>;
  /** Error statuses this endpoint documents besides 400, 401, 403 and 429 (every endpoint has those). */
  errors?: readonly number[];
  /** Streams its own answer (server-sent events); the returned value is ignored. */
  streams?: boolean;
  handle(call: Call<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/** Identity function that keeps the schema types for the handler. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  definition: Route<P, Q, B>,
): Route {
  return definition as unknown as Route;
}

export const ALL_ROLES: readonly Role[] = ['admin', 'operator', 'viewer', 'partner'];
export const STAFF: readonly Role[] = ['admin', 'operator', 'viewer'];
export const WRITERS: readonly Role[] = ['admin', 'operator'];
export const ADMIN: readonly Role[] = ['admin'];

/** /partners/{partnerId} → /partners/:partnerId (Fastify's syntax). */
export function fastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}
