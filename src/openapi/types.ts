/**
 * The public surface of the OpenAPI engine. Every supported version (Swagger 2.0, OpenAPI 3.0,
 * 3.1) is normalised to this one model; schemas are JSON Schema 2020-12 (3.0 `nullable`,
 * boolean exclusive bounds and 2.0 body parameters converted).
 */

export type OpenApiVersion = '2.0' | '3.0' | '3.1';

/** A JSON Schema object (2020-12) as stored in the normalised document; may hold a $ref. */
export type JsonSchema = Record<string, unknown> | boolean;

export interface MediaType {
  schema?: JsonSchema;
  /** Examples from `example` and `examples[*].value`, in document order. */
  examples: { name: string; value: unknown }[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema?: JsonSchema;
  style?: string;
  explode?: boolean;
  deprecated: boolean;
  examples: { name: string; value: unknown }[];
}

export interface ResponseSpec {
  /** "200", "2XX" or "default". */
  status: string;
  description?: string;
  headers: Record<string, { required: boolean; schema?: JsonSchema }>;
  /** Media type ("application/json", "*\/*") to its schema and examples. */
  content: Record<string, MediaType>;
  /** Links (OpenAPI 3 `links`), kept raw for stateful testing. */
  links: Record<string, unknown>;
}

export interface SecurityScheme {
  name: string;
  type: 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS';
  /** For apiKey: where and which name. */
  in?: 'header' | 'query' | 'cookie';
  paramName?: string;
  /** For http: "basic", "bearer", ... */
  scheme?: string;
}

export interface Operation {
  /** operationId when present, else "METHOD /path". Unique in the spec. */
  id: string;
  operationId?: string;
  /** Upper case: GET, POST, ... */
  method: string;
  /** Path template as in the spec, e.g. /payments/{id}. */
  path: string;
  /** "METHOD /path", always. */
  key: string;
  summary?: string;
  tags: string[];
  deprecated: boolean;
  /** Path-level and operation-level parameters merged (operation wins). */
  parameters: Parameter[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: ResponseSpec[];
  /** Effective security requirements: alternatives (OR) of scheme sets (AND). Empty: no auth. */
  security: Record<string, string[]>[];
  /** JSON pointer of the operation in the source document, for messages. */
  pointer: string;
}

/** One problem found when validating a response (or request) against the spec. */
export interface SpecIssue {
  /**
   * Stable codes: "status.undocumented", "content-type.undocumented", "body.schema",
   * "body.invalid-json", "body.missing", "header.missing", "header.schema".
   */
  code: string;
  message: string;
  /** JSON pointer in the body ("" for the root), or "header:Name", or "status". */
  pointer: string;
  expected?: string;
  actual?: string;
  /** Pointer of the failing keyword in the schema, e.g. "#/components/schemas/Payment/properties/amount/type". */
  schemaPath?: string;
}

export interface ResponseToValidate {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Raw body text (empty string when there is none). */
  body: string;
  /**
   * The body parsed as JSON, when the caller has a cached parse (a client response): the validator
   * then does not parse it a second time. Throws when the body is not JSON.
   */
  json?(): unknown;
}

/** A request the generator built from the spec. Values are ready to send. */
export interface GeneratedRequest {
  pathParams: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** Present when the operation takes a body; JSON value for JSON media types. */
  body?: unknown;
  contentType?: string;
  /** Where each value came from, for coverage and messages: "example", "default", "generated", "known". */
  sources: Record<string, string>;
}

export interface GenerateOptions {
  seed: number;
  /** Values to use for parameters / body properties with these names (captured ids, etc.). */
  known?: Record<string, unknown>;
  /** Prefer examples from the spec over generated values (default true). */
  preferExamples?: boolean;
  /** Include optional parameters and properties (default false: only required ones plus those with examples/defaults). */
  includeOptional?: boolean;
}

/** A loaded, normalised spec with its operation index and compiled-on-demand validators. */
export interface ApiSpec {
  /** Version of the source document's format. */
  readonly format: OpenApiVersion;
  readonly title: string;
  /** info.version of the API. */
  readonly apiVersion: string;
  /** Absolute path or URL of the source. */
  readonly source: string;
  /** Server URLs (3.x servers, or 2.0 schemes+host+basePath). */
  readonly servers: readonly string[];
  readonly operations: readonly Operation[];
  readonly securitySchemes: Readonly<Record<string, SecurityScheme>>;
  /** Finds an operation by operationId or "METHOD /path/template" (case-insensitive method). */
  operation(ref: string): Operation | undefined;
  /**
   * Matches a concrete request path to an operation and its path parameters. The query, and the request's
   * headers (lower-case names) when given, only tell apart operations whose path keys name them
   * ("/?Action=RunInstances", "/#X-Amz-Target=DynamoDB_20120810.GetItem").
   */
  match(
    method: string,
    path: string,
    headers?: Readonly<Record<string, string | readonly string[] | undefined>>,
  ): { operation: Operation; pathParams: Record<string, string> } | undefined;
  /** Validates a response: documented status, content type, headers, body schema (writeOnly ignored). */
  validateResponse(operation: Operation, response: ResponseToValidate): SpecIssue[];
  /** Validates a value against a schema of the document in the given direction. */
  validateValue(schema: JsonSchema, value: unknown, direction: 'request' | 'response'): SpecIssue[];
  /** Whether a value is valid against a schema of the document, without describing why not. */
  conforms(schema: JsonSchema, value: unknown, direction: 'request' | 'response'): boolean;
  /** Builds a valid request for the operation, deterministic for a seed. */
  generateRequest(operation: Operation, options: GenerateOptions): GeneratedRequest;
  /** Generates a value valid against the schema, deterministic for a seed. */
  sample(schema: JsonSchema, options: { seed: number; direction: 'request' | 'response' }): unknown;
  /** Resolves a $ref chain; returns the schema itself when it is not a reference. */
  resolve(schema: JsonSchema): JsonSchema;
}
