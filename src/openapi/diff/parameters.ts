import type { Operation, Parameter } from '../types.js';
import type { DiffContext } from './context.js';

/** A parameter's identity: path parameters by position (names are free), others by location and name. */
function keyOf(p: Parameter, path: string): string {
  if (p.in === 'path') {
    const names = [...path.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]);
    const index = names.indexOf(p.name);
    return `path:#${index === -1 ? p.name : index}`;
  }
  return `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
}

const sameName = (a: Parameter, b: Parameter): boolean =>
  a.in === 'header' || b.in === 'header' ? a.name.toLowerCase() === b.name.toLowerCase() : a.name === b.name;

const locationOf = (p: Parameter): string => `request.${p.in}.${p.name}`;
const kind = (p: Parameter): string => (p.in === 'header' ? 'header' : `${p.in} parameter`);

/** The serialisation actually used: OpenAPI's defaults filled in. */
function serialisation(p: Parameter): string {
  const style = p.style ?? (p.in === 'query' || p.in === 'cookie' ? 'form' : 'simple');
  const explode = p.explode ?? style === 'form';
  return `style ${style}, explode ${explode}`;
}

/** Parameter rules: added, removed, required, moved, serialisation, deprecation, schema. */
export function diffParameters(ctx: DiffContext, label: string, before: Operation, after: Operation): void {
  const oldByKey = new Map(before.parameters.map((p) => [keyOf(p, before.path), p]));
  const newByKey = new Map(after.parameters.map((p) => [keyOf(p, after.path), p]));
  const removed: Parameter[] = [];
  const added: Parameter[] = [];
  for (const [key, p] of oldByKey) {
    const next = newByKey.get(key);
    if (next) compareParameter(ctx, label, p, next);
    else removed.push(p);
  }
  for (const [key, p] of newByKey) if (!oldByKey.has(key)) added.push(p);
  for (const p of removed) {
    const moved = added.findIndex((a) => sameName(a, p));
    if (moved !== -1) {
      const next = added[moved] as Parameter;
      added.splice(moved, 1);
      ctx.add(
        'request.parameter.location-changed',
        label,
        locationOf(next),
        `parameter '${p.name}' moved from ${p.in} to ${next.in}`,
      );
      continue;
    }
    ctx.add('request.parameter.removed', label, locationOf(p), `${kind(p)} '${p.name}' was removed`);
  }
  for (const p of added) {
    if (p.required) {
      ctx.add(
        'request.parameter.required-added',
        label,
        locationOf(p),
        `new required ${kind(p)} '${p.name}'`,
      );
    } else ctx.add('request.parameter.added', label, locationOf(p), `new optional ${kind(p)} '${p.name}'`);
  }
}

function compareParameter(ctx: DiffContext, label: string, a: Parameter, b: Parameter): void {
  const at = locationOf(b);
  if (!a.required && b.required)
    ctx.add('request.parameter.became-required', label, at, `${kind(b)} '${b.name}' became required`);
  if (a.required && !b.required)
    ctx.add('request.parameter.became-optional', label, at, `${kind(b)} '${b.name}' became optional`);
  const from = serialisation(a);
  const to = serialisation(b);
  if (from !== to)
    ctx.add('request.parameter.style-changed', label, at, `serialisation changed from ${from} to ${to}`);
  if (!a.deprecated && b.deprecated)
    ctx.add('request.parameter.deprecated', label, at, `${kind(b)} '${b.name}' is deprecated`);
  if (a.schema !== undefined && b.schema !== undefined) {
    ctx.addSchemaChanges(label, at, ctx.schemas.compare(a.schema, b.schema, 'request'));
  }
}
