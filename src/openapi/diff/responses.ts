import type { Operation, ResponseSpec } from '../types.js';
import { pairContent } from './content.js';
import type { DiffContext } from './context.js';

const isSuccess = (status: string): boolean => /^[23]/.test(status);

/** The new response answering for an old status: same code, else its class ("2XX"). */
function counterpart(status: string, after: readonly ResponseSpec[]): ResponseSpec | undefined {
  const exact = after.find((r) => r.status.toLowerCase() === status.toLowerCase());
  if (exact) return exact;
  if (/^\d\d\d$/.test(status)) return after.find((r) => r.status.toLowerCase() === `${status[0]}xx`);
  return undefined;
}

/** Response rules: statuses, media types, headers and body schemas. */
export function diffResponses(ctx: DiffContext, label: string, before: Operation, after: Operation): void {
  for (const a of before.responses) {
    const b = counterpart(a.status, after.responses);
    const at = `response.${a.status}`;
    if (!b) {
      const covered = after.responses.some((r) => r.status.toLowerCase() === `${a.status[0]}xx`);
      if (isSuccess(a.status) && !covered)
        ctx.add('response.success-removed', label, at, `response ${a.status} was removed`);
      else if (!isSuccess(a.status))
        ctx.add('response.status-removed', label, at, `response ${a.status} was removed`);
      continue;
    }
    compareResponse(ctx, label, `response.${b.status}`, a, b);
  }
  for (const b of after.responses) {
    const existed = before.responses.some((a) => counterpart(a.status, [b]) !== undefined);
    if (!existed) ctx.add('response.status-added', label, `response.${b.status}`, `new response ${b.status}`);
  }
}

function compareResponse(
  ctx: DiffContext,
  label: string,
  at: string,
  a: ResponseSpec,
  b: ResponseSpec,
): void {
  const { pairs, removed, added } = pairContent(a.content, b.content);
  for (const media of removed)
    ctx.add('response.content-type.removed', label, at, `media type ${media} is no longer produced`);
  for (const media of added)
    ctx.add('response.content-type.added', label, at, `media type ${media} may now be produced`);
  for (const [from, to] of pairs) {
    const oldSchema = a.content[from]?.schema;
    const newSchema = b.content[to]?.schema;
    if (oldSchema === undefined || newSchema === undefined) continue;
    ctx.addSchemaChanges(label, `${at}.body`, ctx.schemas.compare(oldSchema, newSchema, 'response'));
  }
  const newHeaders = new Map(Object.entries(b.headers).map(([name, h]) => [name.toLowerCase(), { name, h }]));
  for (const [name, h] of Object.entries(a.headers)) {
    const where = `${at}.header.${name}`;
    const next = newHeaders.get(name.toLowerCase());
    if (!next) {
      if (h.required)
        ctx.add('response.header.required-removed', label, where, `required header ${name} was removed`);
      else ctx.add('response.header.removed', label, where, `header ${name} was removed`);
      continue;
    }
    if (h.required && !next.h.required) {
      ctx.add('response.header.no-longer-required', label, where, `header ${name} is no longer required`);
    }
    if (h.schema !== undefined && next.h.schema !== undefined) {
      ctx.addSchemaChanges(label, where, ctx.schemas.compare(h.schema, next.h.schema, 'response'));
    }
  }
}
