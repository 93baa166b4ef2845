/** Replacement written wherever a secret was. */
export const REDACTED = '[REDACTED]';

const DEFAULT_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
];

const DEFAULT_FIELDS = [
  'password',
  'passwd',
  'client_secret',
  'clientSecret',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
  'secret',
  'token',
  'api_key',
  'apiKey',
  'apikey',
  'private_key',
  'client_assertion',
];

/**
 * Query parameter names that carry credentials: a separator or the start, then a sensitive word at the end
 * ("api_key", "x-api-key", "access_token", "sig"), or a camelCase suffix ("apiKey", "sessionId"). Kept narrow
 * enough that "monkey" or "country_code" stay readable in evidence.
 */
const SENSITIVE_PARAM =
  /(?:^|[_.-])(?:api_?key|apikey|key|token|secret|password|passwd|pwd|signature|sig|credentials?|auth|session_?id)$|[a-z0-9](?:Key|Token|Secret|Password|Signature|Credentials?|Auth|SessionId)$/;
const QUERY_PARAM = /([?&])([^=&#]*)=([^&#]*)/g;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;

export interface RedactorOptions {
  /** Extra header names whose values are always hidden. */
  headers?: string[];
  /** Extra JSON / form field names whose values are always hidden. */
  fields?: string[];
  /** Secret values hidden wherever they appear. */
  secrets?: string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Hides secrets in everything Gangway keeps or prints: header values, URLs and bodies. Registered secret values
 * are replaced anywhere (with their URL-, form- and JSON-encoded forms); known credential headers, fields and
 * query parameters are hidden by name. The patterns are compiled once and rebuilt only when a secret is added.
 */
export class Redactor {
  readonly #headerNames = new Set<string>(DEFAULT_HEADERS);
  readonly #fieldNames: string[];
  /** Lower-cased names treated as credentials in query strings too. */
  readonly #paramNames: Set<string>;
  readonly #secrets = new Set<string>();
  /** Registered values and their encoded variants. */
  readonly #variants = new Set<string>();
  /** Secrets only: for header values and URLs. */
  #secretRe: RegExp | undefined;
  /** Secrets, JSON fields and form fields: for bodies and free text. */
  #textRe: RegExp;
  /**
   * Cheap test for "a credential field may be here": starts with one of four characters, which the regex engine
   * scans for quickly, unlike the full pattern. Most bodies fail it and cost a fraction of a microsecond.
   */
  #fieldHint: RegExp;
  #longest = 0;

  constructor(options: RedactorOptions = {}) {
    for (const h of options.headers ?? []) this.#headerNames.add(h.toLowerCase());
    this.#fieldNames = [...new Set([...DEFAULT_FIELDS, ...(options.fields ?? [])])];
    this.#paramNames = new Set(this.#fieldNames.map((f) => f.toLowerCase()));
    for (const h of this.#headerNames) this.#paramNames.add(h);
    for (const s of options.secrets ?? []) this.#register(s);
    const fields = this.#fieldNames.map(escapeRegExp).join('|');
    this.#fieldHint = new RegExp(`(?:^|["&?\\\\])(?:${fields})(?:\\\\?"\\s*:|=)`, 'i');
    this.#textRe = this.#compile();
  }

  /** Registers a secret value (ignored below 4 characters: too short to hide without hiding everything). */
  addSecret(value: string): void {
    if (this.#register(value)) this.#textRe = this.#compile();
  }

  /** Length of the longest hidden variant: how far past a cut a secret may start and still matter. */
  get margin(): number {
    return this.#longest;
  }

  /** Copy of the headers with credential headers and registered secrets hidden. */
  headers(h: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key in h) {
      const value = h[key]!;
      const lower = key.toLowerCase();
      out[key] = this.#headerNames.has(lower) ? maskHeader(lower, value) : this.#secretsIn(value);
    }
    return out;
  }

  /** The text with registered secrets and credential fields (JSON or form-encoded) hidden. */
  text(s: string): string {
    if (!this.#fieldHint.test(s)) {
      const secrets = this.#secretRe;
      if (secrets === undefined) return s;
      secrets.lastIndex = 0;
      if (!secrets.test(s)) return s;
    }
    return s.replace(this.#textRe, replaceMatch);
  }

  /** The URL with userinfo, credential query parameters and registered secrets hidden. */
  url(u: string): string {
    let out = u;
    if (out.includes('@')) out = out.replace(USERINFO, `$1${REDACTED}@`);
    if (out.includes('?')) {
      out = out.replace(QUERY_PARAM, (match: string, sep: string, name: string) =>
        this.#sensitiveParam(name) ? `${sep}${name}=${REDACTED}` : match,
      );
    }
    return this.#secretsIn(out);
  }

  #sensitiveParam(name: string): boolean {
    let decoded = name;
    if (name.includes('%')) {
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name: a malformed escape cannot name a credential we know
      }
    }
    const lower = decoded.toLowerCase();
    return this.#paramNames.has(lower) || SENSITIVE_PARAM.test(decoded) || SENSITIVE_PARAM.test(lower);
  }

  #secretsIn(s: string): string {
    const re = this.#secretRe;
    if (re === undefined) return s;
    re.lastIndex = 0;
    if (!re.test(s)) return s;
    return s.replace(re, REDACTED);
  }

  #register(value: string): boolean {
    if (value.length < 4 || this.#secrets.has(value)) return false;
    this.#secrets.add(value);
    const uri = encodeURIComponent(value);
    const json = JSON.stringify(value).slice(1, -1);
    for (const v of [value, uri, uri.replace(/%20/g, '+'), json]) {
      this.#variants.add(v);
      if (v.length > this.#longest) this.#longest = v.length;
    }
    return true;
  }

  #compile(): RegExp {
    // Longest first so a secret containing another is hidden whole.
    const secrets = [...this.#variants].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#secretRe = secrets.length > 0 ? new RegExp(secrets.join('|'), 'g') : undefined;
    const fields = this.#fieldNames.map(escapeRegExp).join('|');
    // A JSON string value may be cut off at the end of truncated evidence: still hide what is there.
    const json = `("(?:${fields})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*("?)`;
    // JSON inside a JSON string (an echoed or logged body): quotes arrive as \".
    const nested = `(\\\\"(?:${fields})\\\\"\\s*:\\s*\\\\")[^"\\\\]*((?:\\\\")?)`;
    const form = `(?<=^|[&?])((?:${fields})=)[^&\\s#]*`;
    const parts = [json, nested, form, ...secrets];
    return new RegExp(parts.join('|'), 'gi');
  }
}

function replaceMatch(
  _match: string,
  jsonPrefix: string | undefined,
  jsonClose: string | undefined,
  nestedPrefix: string | undefined,
  nestedClose: string | undefined,
  formPrefix: string | undefined,
): string {
  if (jsonPrefix !== undefined) return jsonPrefix + REDACTED + (jsonClose ?? '');
  if (nestedPrefix !== undefined) return nestedPrefix + REDACTED + (nestedClose ?? '');
  if (formPrefix !== undefined) return formPrefix + REDACTED;
  return REDACTED;
}

function maskHeader(name: string, value: string): string {
  if (name === 'authorization' || name === 'proxy-authorization') {
    // The scheme tells a reader which auth was used without revealing the credential.
    const space = value.indexOf(' ');
    return space > 0 ? `${value.slice(0, space)} ${REDACTED}` : REDACTED;
  }
  if (name === 'cookie') return value.split(/;\s*/).map(maskCookie).join('; ');
  if (name === 'set-cookie') {
    return value
      .split('\n')
      .map((line) => {
        const semi = line.indexOf(';');
        return semi < 0 ? maskCookie(line) : maskCookie(line.slice(0, semi)) + line.slice(semi);
      })
      .join('\n');
  }
  return REDACTED;
}

function maskCookie(pair: string): string {
  const eq = pair.indexOf('=');
  return eq < 0 ? REDACTED : `${pair.slice(0, eq)}=${REDACTED}`;
}
