import { randomUUID } from 'node:crypto';
import { InputError } from '../../core/errors.js';

/** Values a template may read: captures from earlier steps, environment variables, and built-ins. */
export type TemplateScope = Record<string, unknown>;

const EXPRESSION = /\{\{\s*([\w.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([\w.-]+)\s*\}\}$/;

/** Built-in values, fresh at every use (unique across runs, so idempotency keys never collide). */
const BUILTINS: Record<string, () => unknown> = {
  uuid: () => randomUUID(),
  timestamp: () => new Date().toISOString(),
  epoch: () => Math.floor(Date.now() / 1000),
  epochMs: () => Date.now(),
};

function lookup(name: string, scope: TemplateScope): unknown {
  if (Object.hasOwn(scope, name)) return scope[name];
  const builtin = BUILTINS[name];
  if (builtin) return builtin();
  const known = [...Object.keys(scope), ...Object.keys(BUILTINS)].sort().join(', ');
  throw new InputError(
    'template.unknown',
    `{{ ${name} }} is not defined here; known names: ${known || 'none'}`,
  );
}

/**
 * Renders `{{ name }}` templates inside any JSON-like value. A string that is exactly one template
 * keeps the captured value's type (a number stays a number); otherwise values are interpolated as text.
 */
export function render(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1]!, scope);
    return value.replace(EXPRESSION, (_, name: string) => {
      const v = lookup(name, scope);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => render(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, scope)]));
  }
  return value;
}

/** Renders to a string (headers, path and query values). */
export function renderText(value: unknown, scope: TemplateScope): string {
  const v = render(value, scope);
  return typeof v === 'string' ? v : JSON.stringify(v);
}
