// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
import { z } from 'zod';
import type { NotifierKind } from './types.js';

const REFERENCE = /^\$\{secret\.[^}]+\}$/;

/** A secret option: a `${secret.x}` reference in the playbook (a literal is accepted, and discouraged). */
export function secretString(description: string): z.ZodString {
  return z.string().min(1).describe(secretText(description));
}

/** An optional secret option; the description sits on the optional wrapper too, where docs read it. */
export function optionalSecret(description: string) {
  return secretString(description).optional().describe(secretText(description));
}

function secretText(description: string): string {
  return `Secret: ${description} Write a \${secret.x} reference.`;
}

/** A URL that is itself a secret (Slack, Teams webhooks): a `${secret.x}` reference or an http(s) URL. */
export function secretUrl(description: string) {
  return z
    .string()
    .min(1)
    .refine((v) => REFERENCE.test(v) || isHttpUrl(v), 'must be an http(s) URL or a ${secret.x} reference')
    .describe(secretText(description));
}

/** Starts with a `${secret.x}` or `${env.X}` reference: checked once resolved, when it is delivered. */
const STARTS_WITH_REFERENCE = /^\$\{(?:secret|env)\.[^}]+\}/;

/**
 * A plain http(s) URL option, e.g. a provider's API base (tests point it at 127.0.0.1). It may start with a
 * reference (`${secret.hooks_base}/gangway`): the playbook is validated before references are resolved.
 */
export function httpUrl(description: string) {
  return z
    .string()
    .refine((v) => STARTS_WITH_REFERENCE.test(v) || isHttpUrl(v), 'must be an http(s) URL')
    .describe(description);
}

/** The values of a kind's secret fields in resolved options: what must never reach an error or a log. */
export function secretValues(kind: Pick<NotifierKind, 'secretFields'>, options: unknown): string[] {
  if (options === null || typeof options !== 'object') return [];
  const out: string[] = [];
  for (const field of kind.secretFields) {
    const value = (options as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '') out.push(value);
    // A map of secrets (the webhook's extra headers): every value is one.
    else if (value !== null && typeof value === 'object') {
      for (const v of Object.values(value)) if (typeof v === 'string' && v !== '') out.push(v);
    }
  }
  return out;
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:';
}
