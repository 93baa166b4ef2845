import type { Exchange, Timings } from '../core/result.js';

/** Auth with every reference already resolved to its value. Values are registered with the redactor. */
export type ResolvedAuth =
  | { type: 'none' }
  | { type: 'api-key'; in: 'header' | 'query' | 'cookie'; name: string; value: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'oauth2-client-credentials';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
      audience?: string;
      clientAuth: 'body' | 'basic';
    };

/** TLS settings with file contents already read (PEM text). */
export interface ResolvedTls {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  insecure?: boolean;
}

export interface HttpLimits {
  /** Connect timeout, ms (default 5000). */
  connectTimeoutMs: number;
  /** Time to response headers, ms (default 10000). */
  headersTimeoutMs: number;
  /** Time between body chunks, ms (default 10000). */
  bodyTimeoutMs: number;
  /** Whole exchange, ms (default 30000). */
  totalTimeoutMs: number;
  /** Largest body kept, in bytes on the wire (default 10 MiB). */
  maxBodyBytes: number;
  /** Largest body after decompression (default 50 MiB). */
  maxDecompressedBytes: number;
  /** Redirects followed (default 5; 0 disables). */
  maxRedirects: number;
  /** Bytes of each body kept in evidence (default 64 KiB). */
  evidenceBodyBytes: number;
}

export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | boolean)[];

export interface HttpRequest {
  method: string;
  /** Absolute URL, or a path appended to the client's base URL. */
  url: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** A string or bytes is sent as is; anything else is sent as JSON. */
  body?: unknown;
  /** operationId or "METHOD /path/template", recorded in evidence. */
  operation?: string;
  /** Apply the client's auth (default true). */
  auth?: boolean;
  /** Override of limits.totalTimeoutMs for this request. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", " (set-cookie with "\n"). */
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
  /** Parsed JSON body; throws a TargetError (code "http.invalid-json") if it is not JSON. */
  json(): unknown;
  contentType: string | undefined;
  timings: Timings;
  /** Redacted record of the exchange, safe to keep as evidence. */
  exchange: Exchange;
  /** curl command reproducing the request, secrets redacted. */
  curl: string;
}
