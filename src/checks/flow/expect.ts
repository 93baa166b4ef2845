import { parseDuration } from '../../core/duration.js';
import { getJsonPath, jsonPathToPointer } from '../../core/jsonpath.js';
import { type MatcherSpec, match, show } from '../../core/matchers.js';
import type { Finding } from '../../core/result.js';
import type { HttpResponse } from '../../http/types.js';
import type { FlowStep } from '../../playbook/schema.js';
import { describeStatus, statusMatches } from '../status.js';

/** Parses the body as JSON when it looks like JSON; undefined otherwise. */
export function jsonBody(res: HttpResponse): unknown {
  const text = res.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Checks a step's expectations; returns findings (empty when all held). */
export function checkExpectations(
  step: FlowStep,
  label: string,
  where: string,
  res: HttpResponse,
  body: unknown,
): Finding[] {
  const findings: Finding[] = [];
  const base = { severity: 'error' as const, operation: label, curl: res.curl };
  const expect = step.expect ?? {};
  if (!statusMatches(res.status, expect.status)) {
    findings.push({
      ...base,
      code: 'flow.status',
      message: `${where}: ${label} answered ${res.status}${problemDetail(body)}`,
      pointer: 'status',
      expected: describeStatus(expect.status),
      actual: String(res.status),
      hint: "Check the request the step sends and the API's documented behaviour for it.",
    });
    return findings;
  }
  for (const [name, spec] of Object.entries(expect.headers ?? {})) {
    const matcher = typeof spec === 'number' ? String(spec) : (spec as MatcherSpec);
    const failed = match(res.headers[name.toLowerCase()], matcher);
    if (failed) {
      findings.push({
        ...base,
        code: 'flow.header',
        message: `${where}: header ${name} of ${label} is ${failed.actual}, expected ${failed.expected}`,
        pointer: `header:${name}`,
        ...failed,
        hint: 'Send the header the integration relies on.',
      });
    }
  }
  for (const [path, spec] of Object.entries(expect.body ?? {})) {
    const failed = match(getJsonPath(body, path), spec as MatcherSpec);
    if (failed) {
      findings.push({
        ...base,
        code: 'flow.body',
        message: `${where}: ${path} of ${label} is ${failed.actual}, expected ${failed.expected}`,
        pointer: jsonPathToPointer(path),
        ...failed,
        hint: 'The response does not carry what the next steps of the integration rely on.',
      });
    }
  }
  if (expect.maxLatency && res.timings.total > parseDuration(expect.maxLatency)) {
    findings.push({
      ...base,
      code: 'flow.latency',
      message: `${where}: ${label} took ${Math.round(res.timings.total)}ms`,
      pointer: 'latency',
      expected: `≤ ${expect.maxLatency}`,
      actual: `${Math.round(res.timings.total)}ms`,
      hint: 'Find what makes this call slow; the step has a latency budget.',
    });
  }
  return findings;
}

/** Reads captures; returns the values and the names that could not be captured. */
export function capture(
  step: FlowStep,
  res: HttpResponse,
  body: unknown,
): { values: Record<string, unknown>; missing: { name: string; from: string }[] } {
  const values: Record<string, unknown> = {};
  const missing: { name: string; from: string }[] = [];
  for (const [name, from] of Object.entries(step.capture ?? {})) {
    const value =
      from === 'status'
        ? res.status
        : from.startsWith('header:')
          ? res.headers[from.slice(7).trim().toLowerCase()]
          : getJsonPath(body, from);
    if (value === undefined) missing.push({ name, from });
    else values[name] = value;
  }
  return { values, missing };
}

function problemDetail(body: unknown): string {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const detail = b.detail ?? b.message ?? b.error_description ?? b.error ?? b.title;
    if (detail !== undefined) return ` (${show(detail)})`;
  }
  return '';
}
