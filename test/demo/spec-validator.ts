import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Checks responses against examples/payments/openapi.yaml with Ajv2020 directly (the project's own
 * OpenAPI engine is written in parallel): documented status, media type, body schema, required
 * headers and their schemas. Test-only.
 */
export const SPEC_PATH = fileURLToPath(new URL('../../examples/payments/openapi.yaml', import.meta.url));

type Json = Record<string, unknown>;

export interface Seen {
  status: number;
  headers: Headers;
  text: string;
}

interface Operation {
  method: string;
  path: string;
  responses: Record<string, Json>;
}

export interface SpecValidator {
  document: Json;
  operations: Map<string, Operation>;
  /** Problems with the response, empty when it matches the spec. */
  problems(operationId: string, seen: Seen): string[];
  /** Validates a value against a named component schema; returns ajv's messages. */
  schemaProblems(name: string, value: unknown): string[];
}

function resolve(document: Json, node: unknown): Json {
  let current = node as Json;
  for (let depth = 0; typeof current?.$ref === 'string' && depth < 10; depth++) {
    const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
    let target: unknown = document;
    for (const part of pointer) target = (target as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    current = target as Json;
  }
  return current;
}

/** Rewrites component refs to the copy registered as "doc" (under $defs, which ajv's strict mode knows). */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema !== null && typeof schema === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(schema)) {
      out[k] =
        k === '$ref' && typeof v === 'string'
          ? v.replace(/^#\/components\/schemas\//, 'doc#/$defs/')
          : rebase(v);
    }
    return out;
  }
  return schema;
}

/** Loads the spec and compiles its schemas once. */
export async function loadSpecValidator(): Promise<SpecValidator> {
  const document = parse(await readFile(SPEC_PATH, 'utf8')) as Json;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const components = document.components as Json;
  ajv.addSchema({ $id: 'doc', $defs: rebase(components.schemas) as Json });
  const cache = new Map<unknown, ValidateFunction>();
  const compile = (schema: unknown): ValidateFunction => {
    let fn = cache.get(schema);
    if (!fn) {
      fn = ajv.compile(rebase(schema) as Json);
      cache.set(schema, fn);
    }
    return fn;
  };
  const messages = (fn: ValidateFunction) =>
    (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());

  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const operation = op as Json;
      if (typeof operation.operationId !== 'string') continue;
      operations.set(operation.operationId, {
        method: method.toUpperCase(),
        path,
        responses: operation.responses as Record<string, Json>,
      });
    }
  }

  return {
    document,
    operations,
    schemaProblems(name, value) {
      const fn = compile({ $ref: `#/components/schemas/${name}` });
      return fn(value) ? [] : messages(fn);
    },
    problems(operationId, seen) {
      const op = operations.get(operationId);
      if (!op) return [`unknown operation ${operationId}`];
      const declared = op.responses[String(seen.status)] ?? op.responses.default;
      if (!declared) return [`status ${seen.status} is not documented for ${operationId}`];
      const response = resolve(document, declared);
      const found: string[] = [];
      for (const [name, raw] of Object.entries((response.headers ?? {}) as Json)) {
        const header = resolve(document, raw);
        const value = seen.headers.get(name);
        if (value === null) {
          if (header.required) found.push(`header ${name} is required`);
          continue;
        }
        const schema = header.schema as Json | undefined;
        if (!schema) continue;
        const typed = schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
        const fn = compile(schema);
        if (!fn(typed)) found.push(`header ${name}: ${messages(fn).join('; ')}`);
      }
      const content = response.content as Record<string, Json> | undefined;
      if (!content) {
        if (seen.text !== '') found.push('body present but none documented');
        return found;
      }
      const type = (seen.headers.get('content-type') ?? '').split(';')[0]!.trim();
      const media = content[type];
      if (!media)
        return [...found, `content-type "${type}" is not one of ${Object.keys(content).join(', ')}`];
      let body: unknown;
      try {
        body = JSON.parse(seen.text);
      } catch {
        return [...found, 'body is not JSON'];
      }
      const fn = compile(media.schema);
      if (!fn(body)) found.push(...messages(fn).map((m) => `body ${m}`));
      return found;
    },
  };
}
