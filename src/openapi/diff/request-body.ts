import type { Operation } from '../types.js';
import { pairContent } from './content.js';
import type { DiffContext } from './context.js';

const AT = 'request.body';

/** Request body rules: added, removed, required, media types, schemas. */
export function diffRequestBody(ctx: DiffContext, label: string, before: Operation, after: Operation): void {
  const a = before.requestBody;
  const b = after.requestBody;
  if (a === undefined && b === undefined) return;
  if (a === undefined && b !== undefined) {
    if (b.required) ctx.add('request.body.required-added', label, AT, 'a request body is now required');
    else ctx.add('request.body.added', label, AT, 'an optional request body was added');
    return;
  }
  if (a !== undefined && b === undefined) {
    ctx.add('request.body.removed', label, AT, 'the request body was removed');
    return;
  }
  if (a === undefined || b === undefined) return;
  if (!a.required && b.required)
    ctx.add('request.body.became-required', label, AT, 'the request body became required');
  const { pairs, removed, added } = pairContent(a.content, b.content);
  for (const media of removed) {
    ctx.add('request.content-type.removed', label, AT, `media type ${media} is no longer accepted`);
  }
  for (const media of added)
    ctx.add('request.content-type.added', label, AT, `media type ${media} is now accepted`);
  for (const [from, to] of pairs) {
    const oldSchema = a.content[from]?.schema;
    const newSchema = b.content[to]?.schema;
    if (oldSchema === undefined || newSchema === undefined) continue;
    ctx.addSchemaChanges(label, AT, ctx.schemas.compare(oldSchema, newSchema, 'request'));
  }
}
