import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errorMessage, GangwayError } from '../../core/errors.js';
import type { Finding, Severity } from '../../core/result.js';
import type { ApiSpec } from '../../openapi/types.js';

/** How Spectral's results count: off, as warnings and notes, or with its errors as errors. */
export type StaticMode = 'off' | 'warn' | 'enforce';

/** One Spectral result, as the runner returns it (the fields we read). */
export interface SpectralResult {
  code: string | number;
  message: string;
  severity: number;
  path: readonly (string | number)[];
  range?: { start: { line: number; character: number } };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Beyond this many results of one rule, the rest are merged into the last finding's count. */
const PER_RULE = 20;

/** Results of the OWASP ruleset, and the rules that crashed on this document and were switched off. */
export interface OwaspRun {
  results: SpectralResult[];
  failedRules: string[];
}

/** At most this many rules are switched off after crashing before the run gives up. */
const MAX_FAILED_RULES = 5;

/**
 * Reads the spec's source document and runs Spectral's OWASP ruleset on it. Some of the ruleset's
 * JSONPath filters throw on unusual but valid documents (`@.match` on a property "name" whose value
 * is a schema, as in GitHub's spec): such a rule is switched off and the run repeated, so one
 * faulty rule does not cost the other results.
 */
export async function runOwaspRuleset(spec: ApiSpec): Promise<OwaspRun> {
  const { text, location } = await readSpecText(spec.source);
  // Imported here, not at the top: Spectral and the ruleset cost ~100 ms to load, which every command
  // that registers the check kinds would otherwise pay whether or not it lints.
  const { spectralCore, owasp: ruleset, Parsers } = await import('./spectral.js');
  const { Spectral, Document } = spectralCore;
  const json = /^\s*[{[]/.test(text);
  const failedRules: string[] = [];
  for (;;) {
    const spectral = new Spectral();
    const off = Object.fromEntries(failedRules.map((name) => [name, 'off']));
    spectral.setRuleset({ extends: [ruleset], rules: off } as unknown as Parameters<
      typeof spectral.setRuleset
    >[0]);
    try {
      const document = json
        ? new Document(text, Parsers.Json, location)
        : new Document(text, Parsers.Yaml, location);
      const results = await spectral.run(document);
      const mapped = results.map((r) => ({
        code: r.code,
        message: r.message,
        severity: r.severity,
        path: r.path,
        range: r.range,
      }));
      return { results: mapped, failedRules };
    } catch (error) {
      const culprits = rulesGiven(ruleset, errorMessage(error)).filter((r) => !failedRules.includes(r));
      if (culprits.length === 0 || failedRules.length >= MAX_FAILED_RULES) {
        throw new GangwayError(
          'security.spectral-failed',
          `Spectral failed on the spec: ${errorMessage(error)}`,
          {
            cause: error,
          },
        );
      }
      failedRules.push(...culprits);
    }
  }
}

/** Names of the rules whose `given` JSONPath appears in an error message. */
function rulesGiven(ruleset: unknown, message: string): string[] {
  const rules = (ruleset as { rules?: Record<string, { given?: string | string[] }> }).rules ?? {};
  return Object.entries(rules)
    .filter(([, rule]) => {
      const given = Array.isArray(rule.given) ? rule.given : [rule.given ?? ''];
      return given.some((g) => g !== '' && filterOf(g) !== '' && message.includes(filterOf(g)));
    })
    .map(([name]) => name);
}

/** The script of a JSONPath filter, "[?(script)]", as jsonpath-plus quotes it in its errors. */
function filterOf(given: string): string {
  const match = /\[\?\((.*)\)\]/.exec(given);
  return match?.[1] ?? '';
}

/** Turns Spectral results into findings on operations, with the severities the mode asks for. */
export function staticFindings(
  results: readonly SpectralResult[],
  spec: ApiSpec,
  mode: StaticMode,
): Finding[] {
  const findings: Finding[] = [];
  const perRule = new Map<string, Finding[]>();
  for (const r of results) {
    const code = `static.${String(r.code).replace(/^owasp:/, '')}`;
    const kept = perRule.get(code) ?? [];
    perRule.set(code, kept);
    if (kept.length >= PER_RULE) {
      const last = kept[kept.length - 1]!;
      last.count = (last.count ?? 1) + 1;
      continue;
    }
    const operation = operationOf(r.path, spec);
    const line = r.range ? `, spec line ${r.range.start.line + 1}` : '';
    const finding: Finding = {
      code,
      severity: severityOf(r.severity, mode),
      message: `${r.message} (${String(r.code)}${line})`,
      ...(operation && { operation }),
      pointer: toPointer(r.path),
      expected: `the OWASP rule ${String(r.code)} satisfied`,
      actual: r.message,
      hint: 'Fix the spec as the OWASP API Security rule asks (see https://github.com/stoplightio/spectral-owasp-ruleset), or run with static: off.',
    };
    kept.push(finding);
    findings.push(finding);
  }
  return findings;
}

function severityOf(spectral: number, mode: StaticMode): Severity {
  if (spectral === 0) return mode === 'enforce' ? 'error' : 'warning';
  if (spectral === 1) return 'warning';
  return 'info';
}

/** "METHOD /path" of the operation a result's path is inside, or its operationId. */
function operationOf(path: readonly (string | number)[], spec: ApiSpec): string | undefined {
  if (path[0] !== 'paths' || typeof path[1] !== 'string') return undefined;
  const method = typeof path[2] === 'string' && METHODS.has(path[2]) ? path[2].toUpperCase() : undefined;
  if (!method) return undefined;
  return spec.operation(`${method} ${path[1]}`)?.id ?? `${method} ${path[1]}`;
}

function toPointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

async function readSpecText(source: string): Promise<{ text: string; location: string }> {
  try {
    if (/^https?:/i.test(source)) {
      const response = await fetch(source, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return { text: await response.text(), location: source };
    }
    const path = source.startsWith('file:') ? fileURLToPath(source) : source;
    return { text: await readFile(path, 'utf8'), location: path };
  } catch (error) {
    throw new GangwayError(
      'security.spec-unreadable',
      `cannot read the spec for Spectral: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
}
