import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { errorMessage, InputError } from '../core/errors.js';
import { addOpenApiFormats, FORMATS } from './formats.js';
import { ajvIssues } from './issues.js';
import { isObject } from './pointer.js';
import { type ModelReading, type QuickContext, quickValid } from './quick-valid.js';
import { type Direction, type Origins, toAjv } from './schema-convert.js';
import type { JsonSchema, SpecIssue } from './types.js';

/** Looks up the model schema a canonical $ref points to. */
export type ModelLookup = (ref: string) => JsonSchema | undefined;

const ID_BASE = 'https://gangway.invalid/schema/';
const require = createRequire(import.meta.url);

/** Format answers remembered per format (strings up to this many, then forgotten at once). */
const FORMAT_MEMO = 4096;

/**
 * The common shape of an http(s) URL, every match of which ajv-formats' `uri` accepts (a subset of its
 * RFC 3986 expression: reg-name host, port, path, query, fragment) at a fraction of its cost; other
 * values still go to ajv's check.
 */
const PLAIN_URL =
  /^https?:\/\/[a-z0-9\-._~]+(?::\d+)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;
const AJV_URI: unknown = FORMATS.uri;

/**
 * When a schema's validations stop being interpreted and it is compiled (ski rental: interpret while the
 * time spent interpreting it stays under what compiling is likely to cost; then compile once, so no
 * schema costs more than twice the better choice).
 */
const QUICK_BUDGET_MS = 20;

/**
 * Compiles validators once, lazily, per (schema object, direction). Each $ref target becomes
 * its own ajv schema (registered on first use) so recursion is left to ajv and nothing is
 * inlined: compiling one response schema of a large spec touches only what it references.
 */

export class Validators {
  private ajvInstance: Ajv2020 | undefined;
  private readonly ids = new Map<string, string>();
  private readonly compiled = {
    request: new WeakMap<object, ValidateFunction>(),
    response: new WeakMap<object, ValidateFunction>(),
  };
  private readonly booleans = new Map<string, ValidateFunction>();
  /** Converted schemas by direction, and converted $ref targets by id: what the quick interpreter reads. */
  private readonly converted = {
    request: new WeakMap<object, JsonSchema>(),
    response: new WeakMap<object, JsonSchema>(),
  };
  /** Converted $ref targets by id, converted on first use (interpreting a value reads only what it meets). */
  private readonly targets = new Map<string, JsonSchema>();
  /** $ref ids handed out but not yet converted or given to ajv: by id, the model reference they stand for. */
  private readonly pending = new Map<string, string>();
  /** Converted targets not yet registered with ajv (registering walks the schema: only done before a compile). */
  private readonly unregistered: string[] = [];
  /** How long (ms, in all) each schema's validations were interpreted before it was compiled. */
  private readonly interpreted = {
    request: new WeakMap<object, number>(),
    response: new WeakMap<object, number>(),
  };
  /** Format answers by format name, then string value (see checkFormat). */
  private readonly formatAnswers = new Map<string, Map<string, boolean | undefined>>();
  private readonly quickContext: QuickContext = {
    resolve: (id) => this.target(id),
    format: (name, value) => this.checkFormat(name, value),
  };
  /** Model schemas read in each direction (see quick-valid.ts): no conversion for ajv unless compiled. */
  private readonly modelContexts = {
    request: this.modelContext('request'),
    response: this.modelContext('response'),
  };
  /** Model schemas behind canonical $refs met while interpreting ({} where a ref points nowhere). */
  private readonly models = new Map<string, JsonSchema>();
  /** Names of hidden properties per `properties`-bearing schema and direction (null: none). */
  private readonly hiddenNames = {
    request: new WeakMap<object, ReadonlySet<string> | null>(),
    response: new WeakMap<object, ReadonlySet<string> | null>(),
  };

  constructor(
    private readonly lookup: ModelLookup,
    private readonly origins: Origins,
  ) {}

  /**
   * ajv, made when a schema is first compiled: most contract runs never compile one (the interpreter
   * answers), and loading and setting up ajv costs ~30 ms of start-up.
   */
  private get ajv(): Ajv2020 {
    if (this.ajvInstance !== undefined) return this.ajvInstance;
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateSchema: false,
      inlineRefs: false, // shared component schemas compile once and are reused by every operation
      // A contract run validates most operations once or twice: compiling fast beats ajv's code optimiser
      // (first validation of 150 GitHub GET operations 2.6 -> 1.85 ms each; cached validation unchanged).
      code: { optimize: false },
      verbose: true, // errors carry parentSchema: mapped back to a pointer in the spec
      logger: false, // unknown formats are ignored silently: library code never prints
      unicodeRegExp: false, // patterns in specs are often written for non-unicode engines
      multipleOfPrecision: 9, // decimal amounts (multipleOf 0.01) must not fail on float noise
    });
    addOpenApiFormats(ajv);
    this.ajvInstance = ajv;
    return ajv;
  }

  /** The compiled validator of a model schema in a direction. */
  validator(schema: JsonSchema, direction: Direction): ValidateFunction {
    if (typeof schema === 'boolean' || !isObject(schema)) {
      const key = `${direction}:${String(schema)}`;
      let fn = this.booleans.get(key);
      if (!fn) {
        fn = this.ajv.compile(typeof schema === 'boolean' ? schema : {});
        this.booleans.set(key, fn);
      }
      return fn;
    }
    const cache = this.compiled[direction];
    let fn = cache.get(schema);
    if (!fn) {
      const converted = this.convertOnce(schema, direction);
      try {
        this.registerPending();
        fn = this.ajv.compile(converted as object);
      } catch (error) {
        const where = this.origins.get(schema) ?? 'an inline schema';
        throw new InputError(
          'spec.schema',
          `cannot compile the schema at ${where}: ${errorMessage(error)}`,
          [],
          {
            cause: error,
          },
        );
      }
      cache.set(schema, fn);
    }
    return fn;
  }

  /** Validates a value; returns readable issues (empty when valid). */
  validate(schema: JsonSchema, value: unknown, direction: Direction, prefix = ''): SpecIssue[] {
    if (this.quick(schema, value, direction) === true) return [];
    const fn = this.validator(schema, direction);
    if (fn(value)) return [];
    return ajvIssues(fn.errors ?? [], this.origins, prefix);
  }

  /**
   * True when the value is valid (no issue construction). The interpreter's answer is taken either way
   * when it has one (quick-valid.test.ts holds it to ajv's, valid and invalid, on every fixture and on
   * GitHub's schemas with mutated values): answering "no" must not cost compiling a validator.
   */
  isValid(schema: JsonSchema, value: unknown, direction: Direction): boolean {
    const answer = this.quick(schema, value, direction);
    if (answer !== undefined) return answer;
    return this.validator(schema, direction)(value) === true;
  }

  /**
   * Validations of a schema are interpreted (quickValid) instead of compiled until interpreting it has
   * cost about what compiling would (ski rental). Only "valid" is trusted: an invalid value (or a schema
   * the interpreter does not know) goes to ajv, which also builds the issues.
   */
  private quick(schema: JsonSchema, value: unknown, direction: Direction): boolean | undefined {
    if (!isObject(schema) || this.compiled[direction].has(schema)) return undefined;
    const spent = this.interpreted[direction].get(schema) ?? 0;
    if (spent >= QUICK_BUDGET_MS) return undefined;
    const begin = performance.now();
    const answer = quickValid(schema, value, this.modelContexts[direction]);
    // A schema the interpreter cannot read is compiled now rather than tried again.
    this.interpreted[direction].set(
      schema,
      answer === undefined ? QUICK_BUDGET_MS : spent + performance.now() - begin,
    );
    return answer;
  }

  /** The interpreter's answer alone, without counting a use (tests compare it with ajv's). */
  quickCheck(schema: JsonSchema, value: unknown, direction: Direction): boolean | undefined {
    return quickValid(schema, value, this.modelContexts[direction]);
  }

  /** The interpreter's answer on toAjv's output (the form it reads below a discriminator), for tests. */
  quickCheckConverted(schema: JsonSchema, value: unknown, direction: Direction): boolean | undefined {
    return quickValid(this.convertOnce(schema, direction), value, this.quickContext);
  }

  private modelContext(direction: Direction): QuickContext {
    const model: ModelReading = {
      resolve: (ref) => this.modelAt(ref),
      hiddenNames: (schema) => this.hiddenIn(schema, direction),
      converted: (schema) => this.convertOnce(schema, direction),
      plain: this.quickContext,
    };
    return { resolve: model.resolve, format: this.quickContext.format, model };
  }

  private modelAt(ref: string): JsonSchema {
    let model = this.models.get(ref);
    if (model === undefined) {
      model = this.lookup(ref) ?? {};
      this.models.set(ref, model);
    }
    return model;
  }

  /** The `properties` names toAjv would hide in a direction (computed once per schema object). */
  private hiddenIn(schema: Record<string, unknown>, direction: Direction): ReadonlySet<string> | undefined {
    const cache = this.hiddenNames[direction];
    let names = cache.get(schema);
    if (names === undefined) {
      const properties = schema.properties;
      names = null;
      if (isObject(properties)) {
        const found = Object.keys(properties).filter((name) =>
          this.hidden(properties[name] as JsonSchema, direction),
        );
        if (found.length > 0) names = new Set(found);
      }
      cache.set(schema, names);
    }
    return names ?? undefined;
  }

  private convertOnce(schema: JsonSchema, direction: Direction): JsonSchema {
    if (!isObject(schema)) return this.convert(schema, direction);
    let converted = this.converted[direction].get(schema);
    if (converted === undefined) {
      converted = this.convert(schema, direction);
      this.converted[direction].set(schema, converted);
    }
    return converted;
  }

  /**
   * Checks a value against a format ajv knows, with ajv's rules; undefined when ajv ignores the format.
   * Answers for strings are remembered per format: APIs repeat values (hosts, dates), and ajv's `uri`
   * check alone was a tenth of the interpreter's time on GitHub's responses.
   */
  private checkFormat(name: string, value: unknown): boolean | undefined {
    if (typeof value !== 'string') return this.formatOnce(name, value);
    let seen = this.formatAnswers.get(name);
    if (!seen) {
      seen = new Map();
      this.formatAnswers.set(name, seen);
    }
    let answer = seen.get(value);
    if (answer === undefined && !seen.has(value)) {
      answer = this.formatOnce(name, value);
      if (seen.size >= FORMAT_MEMO) seen.clear(); // bounded: a long run must not grow without end
      seen.set(value, answer);
    }
    return answer;
  }

  private formatOnce(name: string, value: unknown): boolean | undefined {
    const def: unknown = FORMATS[name];
    if (def === undefined || def === true) return undefined;
    if (def === AJV_URI && typeof value === 'string' && PLAIN_URL.test(value)) return true;
    let type = 'string';
    let check: unknown = def;
    if (isObject(def) && !(def instanceof RegExp)) {
      if (def.async === true) return undefined;
      type = typeof def.type === 'string' ? def.type : 'string';
      check = def.validate;
    }
    if (type === 'string' ? typeof value !== 'string' : typeof value !== 'number') return true;
    if (check instanceof RegExp) return check.test(String(value));
    if (typeof check === 'string') return new RegExp(check).test(String(value));
    if (typeof check === 'function') return (check as (v: unknown) => boolean)(value) === true;
    return undefined;
  }

  /** Whether a property schema is left out in a direction (readOnly in requests, writeOnly in responses). */
  hidden(schema: JsonSchema, direction: Direction, depth = 0): boolean {
    if (!isObject(schema) || depth > 8) return false;
    if (schema[direction === 'request' ? 'readOnly' : 'writeOnly'] === true) return true;
    if (typeof schema.$ref === 'string') {
      const target = this.lookup(schema.$ref);
      if (target !== undefined && this.hidden(target, direction, depth + 1)) return true;
    }
    if (
      Array.isArray(schema.allOf) &&
      schema.allOf.some((s) => this.hidden(s as JsonSchema, direction, depth + 1))
    ) {
      return true;
    }
    if (Array.isArray(schema.anyOf) && schema.anyOf.length === 2) {
      // A 3.0 nullable $ref became anyOf [schema, {type: null}]: look through it.
      const [a, b] = schema.anyOf as JsonSchema[];
      if (isObject(b) && b.type === 'null') return this.hidden(a as JsonSchema, direction, depth + 1);
    }
    return false;
  }

  private convert(schema: JsonSchema, direction: Direction): JsonSchema {
    return toAjv(schema, {
      direction,
      origins: this.origins,
      hidden: (s) => this.hidden(s, direction),
      lookup: this.lookup,
      refId: (ref) => this.refId(ref, direction),
    });
  }

  private refId(ref: string, direction: Direction): string {
    const key = `${direction} ${ref}`;
    let id = this.ids.get(key);
    if (id !== undefined) return id;
    id = `${ID_BASE}${direction}/${this.ids.size}`;
    this.ids.set(key, id);
    // Converted when first read: a response schema's closure of $refs is often far larger than what
    // one value reaches (nullable or absent properties), and converting it all cost milliseconds.
    this.pending.set(id, key);
    return id;
  }

  /** The converted schema behind a $ref id (converting it on first use). */
  private target(id: string): JsonSchema | undefined {
    const done = this.targets.get(id);
    if (done !== undefined) return done;
    const key = this.pending.get(id);
    if (key === undefined) return undefined;
    this.pending.delete(id);
    const space = key.indexOf(' ');
    const direction = key.slice(0, space) as Direction;
    const found = this.lookup(key.slice(space + 1));
    const converted = found === undefined ? {} : this.convert(found, direction);
    this.targets.set(id, converted);
    this.unregistered.push(id);
    return converted;
  }

  /** Before ajv compiles: every $ref target handed out so far (and what they refer to) converted and registered. */
  private registerPending(): void {
    for (let id = this.pending.keys().next().value; id !== undefined; id = this.pending.keys().next().value) {
      this.target(id);
    }
    for (const id of this.unregistered.splice(0)) {
      const converted = this.targets.get(id);
      this.ajv.addSchema(typeof converted === 'boolean' ? converted : (converted as object), id);
    }
  }
}
