// `gangway contract --query name=value`: query parameters sent with every request, for APIs secured
// only by a key in the query string (?api_key=...). Values are secrets, redacted like --header values.
import { InputError } from '../../core/errors.js';
import { HttpClient, type HttpClientOptions } from '../../http/client.js';
import type { HttpRequest, HttpResponse, ResolvedAuth } from '../../http/types.js';
import type { ApiSpec } from '../../openapi/types.js';
import type { PreparedTarget } from '../../runner/prepare.js';
import { VERSION } from '../version.js';

/** Parses repeated `name=value` values; the error never shows a value (it may be a key). */
export function parseQueries(values: readonly string[]): [string, string][] {
  return values.map((raw) => {
    const eq = raw.indexOf('=');
    const name = eq > 0 ? raw.slice(0, eq).trim() : '';
    if (name === '')
      throw new InputError('cli.bad-query', `--query "${raw.split('=')[0]}…" is not "name=value"`);
    return [name, raw.slice(eq + 1)];
  });
}

/** Sends extra query parameters with every request; a request's own values win. */
class QueryClient extends HttpClient {
  constructor(
    options: HttpClientOptions,
    private readonly extra: Record<string, string>,
  ) {
    super(options);
  }

  override request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    return super.request({ ...req, query: { ...this.extra, ...req.query } }, signal);
  }
}

/**
 * The ad-hoc target with query parameters: the one the spec declares as an apiKey scheme (else the
 * first) becomes the environment's API key auth, so auth probes leave it out or replace it; the
 * others are sent as they are. Every value is registered with the redactor.
 */
export async function withQuery(
  target: PreparedTarget,
  pairs: readonly [string, string][],
  spec: ApiSpec,
  options: { headers: Record<string, string>; insecure: boolean },
): Promise<PreparedTarget> {
  const declared = new Set(
    Object.values(spec.securitySchemes)
      .filter((s) => s.type === 'apiKey' && s.in === 'query' && s.paramName)
      .map((s) => s.paramName as string),
  );
  const key = pairs.find(([name]) => declared.has(name)) ?? pairs[0]!;
  const extra: Record<string, string> = {};
  for (const [name, value] of pairs) {
    target.redactor.addSecret(value);
    if (name !== key[0]) extra[name] = value;
  }
  const auth: ResolvedAuth = { type: 'api-key', in: 'query', name: key[0], value: key[1] };
  const env = target.environment;
  await target.http.close();
  const http = new QueryClient(
    {
      baseUrl: env.baseUrl,
      auth,
      ...(options.insecure && { tls: { insecure: true } }),
      headers: options.headers,
      redactor: target.redactor,
      version: VERSION,
      limits: { maxRedirects: 0 },
    },
    extra,
  );
  return { ...target, http, environment: { ...env, auth } };
}
