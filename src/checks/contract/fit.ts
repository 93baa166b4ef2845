import { schemaTypes } from '../../openapi/index.js';
import type { ApiSpec, JsonSchema, Parameter } from '../../openapi/types.js';

/**
 * A captured value as a path parameter takes it: as is when its schema accepts it, else as text (a
 * numeric id where the schema wants a string) or as a number (digits where it wants an integer) when
 * that is accepted; undefined when neither is. A path is text on the wire either way, but a request
 * whose values the spec rejects is not a valid case: property-based generation would throw away every
 * case drawn around such a value.
 */
export function fitToParameter(
  param: Parameter,
  value: string | number,
  spec: Pick<ApiSpec, 'conforms' | 'resolve'>,
): string | number | undefined {
  const schema = param.schema ?? { type: 'string' };
  const resolved = spec.resolve(schema);
  const other =
    typeof value === 'number' ? String(value) : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  // Only forms of the type the schema names are tried.
  for (const form of other === undefined ? [value] : [value, other]) {
    if (refuses(resolved, typeof form)) continue;
    if (spec.conforms(schema, form, 'request')) return form;
  }
  return undefined;
}

/** Whether a schema's `type` rules out values of a JS type ('string' or 'number'). */
function refuses(schema: JsonSchema, jsType: string): boolean {
  const types = schemaTypes(schema);
  if (types.length === 0) return false;
  return jsType === 'string'
    ? !types.includes('string')
    : !types.includes('integer') && !types.includes('number');
}
