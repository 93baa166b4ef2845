import { errorMessage, GangwayError, InputError, TargetError } from '../../core/errors.js';

/** Where the service is and who is calling: from flags, else GANGWAY_SERVER / GANGWAY_TOKEN. */
export interface ServerFlags {
  server?: string;
  token?: string;
}

/** An error answer of the API: { error: { code, message } }. */
interface ApiErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/** How long one API call may take before the CLI gives up (an upload of a large report included). */
const TIMEOUT_MS = 60_000;

/**
 * A small typed client for the Gangway API (/api/v1). Errors: the server unreachable or answering 5xx →
 * TargetError / GangwayError (exit 3); a 4xx → InputError `api.<code>` with the API's message (exit 2).
 * The token goes only into the Authorization header: no message ever contains it.
 */
export class ServerClient {
  readonly base: string;
  readonly #token: string;

  constructor(server: string, token: string) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new InputError(
        'cli.bad-server',
        `--server "${server}" is not a URL such as http://127.0.0.1:8080`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InputError('cli.bad-server', `--server must be an http(s) URL, not ${url.protocol}`);
    }
    // Users paste either the service's root or its API root.
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}`;
    this.#token = token;
  }

  /** GET a path under /api/v1. */
  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** POST a JSON body to a path under /api/v1. */
  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** One API call; returns the parsed JSON answer of a 2xx. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.base}/api/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? errorMessage(error);
      throw new TargetError(
        'server.unreachable',
        `cannot reach the Gangway server at ${this.base} (${cause})`,
      );
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) return parsed as T;
    const { code, message } = apiError(parsed, response.status);
    const what = `${method} /api/v1${path.split('?')[0]}`;
    if (response.status >= 400 && response.status < 500) {
      throw new InputError(`api.${code}`, `the server refused ${what}: ${message} [${code}]`);
    }
    throw new GangwayError(`api.${code}`, `the server failed ${what} (HTTP ${response.status}): ${message}`);
  }
}

/** The client for --server/--token (or the environment); an InputError names what is missing. */
export function serverClient(flags: ServerFlags, env: NodeJS.ProcessEnv): ServerClient {
  const server = flags.server ?? env.GANGWAY_SERVER;
  const token = flags.token ?? env.GANGWAY_TOKEN;
  if (!server)
    throw new InputError('cli.server-missing', 'give the service URL: --server <url> or GANGWAY_SERVER');
  if (!token) throw new InputError('cli.token-missing', 'give an API token: --token <t> or GANGWAY_TOKEN');
  return new ServerClient(server, token);
}

/** Whether flags or the environment name a server (then the command talks to it, not to the store). */
export function wantsServer(flags: ServerFlags, env: NodeJS.ProcessEnv): boolean {
  return Boolean(flags.server ?? env.GANGWAY_SERVER);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function apiError(parsed: unknown, status: number): { code: string; message: string } {
  const error = (parsed as ApiErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http-${status}`;
  const message =
    typeof error?.message === 'string'
      ? error.message
      : typeof parsed === 'string' && parsed
        ? parsed.slice(0, 200)
        : `HTTP ${status}`;
  return { code, message };
}
