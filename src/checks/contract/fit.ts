import { isObject } from '../../openapi/pointer.js';
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
  spec: Pick<ApiSpec, 'validateValue' | 'resolve'>,
): string | number | undefined {
  const schema = param.schema ?? { type: 'string' };
  const other =
    typeof value === 'number' ? String(value) : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  // The schema's type says which to try first: a refused value costs building the validator's issues.
  const first = other !== undefined && wants(spec.resolve(schema), typeof other) ? other : value;
  if (spec.validateValue(schema, first, 'request').length === 0) return first;
  const second = first === value ? other : value;
  if (second !== undefined && spec.validateValue(schema, second, 'request').length === 0) return second;
  return undefined;
}

/** Whether a schema's `type` names the JS type given and not the other one ('string' or 'number'). */
function wants(schema: JsonSchema, jsType: string): boolean {
  if (!isObject(schema)) return false;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const numeric = types.includes('integer') || types.includes('number');
  return jsType === 'string' ? types.includes('string') && !numeric : numeric && !types.includes('string');
}
