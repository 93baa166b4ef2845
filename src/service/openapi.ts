import { z } from 'zod';
import type { Route } from './route.js';
import { errorSchema } from './schemas/common.js';

type JsonObject = Record<string, unknown>;

const STANDARD_ERRORS: Record<number, string> = {
  400: 'The request does not match the schema (code request.invalid) or breaks a rule of the resource.',
  401: 'No token, or an unknown or revoked one.',
  403: 'The token’s role may not do this.',
  404: 'No such resource, or one the token may not see.',
  409: 'The resource is not in a state that allows this.',
  413: 'The body is larger than the server accepts.',
  429: 'Too many failed authentications from this address.',
  503: 'The server cannot do this now (no job queue, database unavailable).',
};

/**
 * Builds the OpenAPI 3.1 document of the API from the routes' zod schemas — the same schemas that
 * validate requests and shape responses, so the document cannot drift from the code.
 */
export function buildOpenApi(
  routes: readonly Route[],
  info: { version: string; serverUrl?: string },
): JsonObject {
  const components: Record<string, unknown> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output') => hoist(toSchema(schema, io), components);

  // The error schema has an id, so its conversion is a $ref to the definition that hoist() just put in
  // components.Error: assigning that $ref to components.Error would make it refer to itself.
  const error = hoist(toSchema(errorSchema, 'output'), components);
  components.Error ??= error;
  for (const r of routes) {
    const parameters = [
      ...parametersOf(r.params, 'path', convert),
      ...parametersOf(r.query, 'query', convert),
    ];
    const responses: Record<string, unknown> = {
      [String(r.response.status)]: {
        description: r.response.description,
        ...(r.response.schema && {
          content: {
            [r.response.contentType ?? 'application/json']: { schema: convert(r.response.schema, 'output') },
          },
        }),
        ...(r.response.contentType === 'text/event-stream' && {
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        }),
      },
    };
    const errors = new Set([400, 401, 403, 429, ...(r.errors ?? [])]);
    if (r.body) errors.add(413);
    for (const status of [...errors].sort()) {
      responses[String(status)] = {
        description: describeError(status, r.rules),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const operation: JsonObject = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description && { description: r.description }),
      tags: [r.tag],
      'x-gangway-roles': [...r.roles],
      ...(parameters.length > 0 && { parameters }),
      ...(r.body && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: convert(r.body, 'input') } },
        },
      }),
      responses,
    };
    const path = `/api/v1${r.path}`;
    paths[path] = { ...paths[path], [r.method.toLowerCase()]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Gangway API',
      version: info.version,
      description:
        'Partners, playbook versions, onboardings with gated stages, runs and their evidence, sign-offs, waivers, tokens and the audit trail. Every endpoint needs a bearer token (`gangway token create`).',
    },
    ...(info.serverUrl && { servers: [{ url: info.serverUrl }] }),
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'gw_… API token' } },
    },
  };
}

function describeError(status: number, rules: Route['rules']): string {
  const standard = STANDARD_ERRORS[status] ?? 'Error.';
  if (status !== 400 || !rules) return standard;
  const listed = Object.entries(rules).map(([code, when]) => `\`${code}\`: ${when}`);
  return `${standard} Rules: ${listed.join('; ')}.`;
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  delete json.$schema;
  return json;
}

/** Moves $defs into components.schemas and points the $refs there. */
function hoist(json: JsonObject, components: Record<string, unknown>): JsonObject {
  const defs = (json.$defs ?? {}) as Record<string, JsonObject>;
  delete json.$defs;
  for (const [name, def] of Object.entries(defs)) components[name] = rewrite(def);
  return rewrite(json) as JsonObject;
}

function rewrite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewrite);
  if (value && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        key === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewrite(v);
    }
    return out;
  }
  return value;
}

function parametersOf(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
  convert: (s: z.ZodType, io: 'input' | 'output') => JsonObject,
): JsonObject[] {
  if (!schema) return [];
  const json = convert(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' && { description }),
      schema: rest,
    };
  });
}
