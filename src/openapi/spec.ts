import { InputError } from '../core/errors.js';
import type { DocumentSet } from './documents.js';
import { type GenContext, generate, Unsatisfiable } from './generator.js';
import type { Normalizer } from './normalize-common.js';
import type { Normalized } from './normalize-v3.js';
import { isObject, parsePointer } from './pointer.js';
import { createRng, retrySeed } from './prng.js';
import { generateRequest } from './request-gen.js';
import { validateResponse } from './response.js';
import { type RequestHeaders, Router } from './router.js';
import type { Direction } from './schema-convert.js';
import type {
  ApiSpec,
  GeneratedRequest,
  GenerateOptions,
  JsonSchema,
  OpenApiVersion,
  Operation,
  ResponseToValidate,
  SecurityScheme,
  SpecIssue,
} from './types.js';
import { Validators } from './validator.js';

/** Seeds tried before a schema is declared unsatisfiable; the first two may use examples. */
const ATTEMPTS = 8;

export interface SpecInit {
  format: OpenApiVersion;
  title: string;
  apiVersion: string;
  source: string;
  docs: DocumentSet;
  normalizer: Normalizer;
  normalized: Normalized;
}

/** The loaded spec: operation index, router, lazily compiled validators and the generator. */
export class LoadedSpec implements ApiSpec {
  readonly format: OpenApiVersion;
  readonly title: string;
  readonly apiVersion: string;
  readonly source: string;
  readonly servers: readonly string[];
  readonly operations: readonly Operation[];
  readonly securitySchemes: Readonly<Record<string, SecurityScheme>>;
  private readonly byId = new Map<string, Operation>();
  private readonly byKey = new Map<string, Operation>();
  private readonly router: Router;
  private readonly docs: DocumentSet;
  private readonly normalizer: Normalizer;
  private readonly models = new Map<string, JsonSchema | undefined>();
  private readonly validators: Validators;

  constructor(init: SpecInit) {
    this.format = init.format;
    this.title = init.title;
    this.apiVersion = init.apiVersion;
    this.source = init.source;
    this.servers = init.normalized.servers;
    this.operations = init.normalized.operations;
    this.securitySchemes = init.normalized.securitySchemes;
    this.docs = init.docs;
    this.normalizer = init.normalizer;
    for (const op of this.operations) {
      this.byId.set(op.id, op);
      this.byKey.set(op.key, op);
    }
    this.router = new Router(this.operations);
    this.validators = new Validators((ref) => this.lookup(ref), init.normalizer.origins);
  }

  operation(ref: string): Operation | undefined {
    const byId = this.byId.get(ref);
    if (byId) return byId;
    const space = ref.indexOf(' ');
    if (space === -1) return undefined;
    return this.byKey.get(`${ref.slice(0, space).toUpperCase()} ${ref.slice(space + 1).trim()}`);
  }

  /**
   * `path` is relative to the server base URL: strip the server's path prefix first (stripServerBase).
   * `headers` (lower-case names) tell apart operations named by a header (AWS's X-Amz-Target).
   */
  match(
    method: string,
    path: string,
    headers?: RequestHeaders,
  ): { operation: Operation; pathParams: Record<string, string> } | undefined {
    return this.router.match(method, path, headers);
  }

  validateResponse(operation: Operation, response: ResponseToValidate): SpecIssue[] {
    return validateResponse(operation, response, this.validators, (s) => this.resolve(s));
  }

  validateValue(schema: JsonSchema, value: unknown, direction: Direction): SpecIssue[] {
    return this.validators.validate(schema, value, direction);
  }

  conforms(schema: JsonSchema, value: unknown, direction: Direction): boolean {
    return this.validators.isValid(schema, value, direction);
  }

  generateRequest(operation: Operation, options: GenerateOptions): GeneratedRequest {
    return generateRequest(operation, options, {
      resolve: (s) => this.resolve(s),
      sample: (schema, o) => this.sampleWith(schema, o.seed, o.direction, o.includeOptional ? 'all' : 'none'),
    });
  }

  sample(schema: JsonSchema, options: { seed: number; direction: Direction }): unknown {
    return this.sampleWith(schema, options.seed, options.direction, 'random');
  }

  resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let hops = 0; hops < 32; hops++) {
      if (!isObject(current) || typeof current.$ref !== 'string') return current;
      const next = this.lookup(current.$ref);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  }

  /** The source value at a canonical ref (an operation's pointer...), for extensions the model drops. */
  rawAt(ref: string): unknown {
    try {
      return this.docs.get(this.docs.target(ref, this.docs.root.url));
    } catch {
      return undefined;
    }
  }

  /** The model schema a canonical $ref points to, converted on first use. */
  lookup(ref: string): JsonSchema | undefined {
    if (this.models.has(ref)) return this.models.get(ref);
    let model: JsonSchema | undefined;
    try {
      const target = this.docs.target(ref, this.docs.root.url);
      const file = this.docs.file(target.url);
      const raw = this.docs.get(target);
      if (file && raw !== undefined) {
        model = this.normalizer.schema(raw, { file, segments: parsePointer(target.pointer) });
      }
    } catch {
      model = undefined;
    }
    this.models.set(ref, model);
    return model;
  }

  private sampleWith(
    schema: JsonSchema,
    seed: number,
    direction: Direction,
    optional: GenContext['optional'],
  ): unknown {
    let problem = 'no valid value found';
    // A last attempt with no optional property: a schema can make some of them impossible (Azure's
    // `additionalProperties: {type: object}` beside an allOf whose properties are strings), and random
    // draws rarely leave all of them out.
    const attempts = optional === 'random' ? ATTEMPTS + 1 : ATTEMPTS;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const ctx: GenContext = {
        rng: createRng(retrySeed(seed, attempt)),
        direction,
        lookup: (ref) => this.lookup(ref),
        hidden: (s) => this.validators.hidden(s, direction),
        isValid: (s, v) => this.validators.isValid(s, v, direction),
        useExamples: attempt < 2,
        optional: attempt === ATTEMPTS ? 'none' : optional,
      };
      let value: unknown;
      try {
        value = generate(schema, ctx);
      } catch (error) {
        if (!(error instanceof Unsatisfiable)) throw error;
        problem = error.message;
        continue;
      }
      const issues = this.validators.validate(schema, value, direction);
      if (issues.length === 0) return value;
      problem = issues[0]?.message ?? problem;
    }
    const where = (isObject(schema) && this.normalizer.origins.get(schema)) || 'the schema';
    throw new InputError(
      'spec.unsatisfiable',
      `cannot generate a ${direction} value for ${where}: ${problem}`,
    );
  }
}
