import type { ApiSpec, Parameter } from '../../openapi/types.js';

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
  spec: Pick<ApiSpec, 'validateValue'>,
): string | number | undefined {
  const schema = param.schema ?? { type: 'string' };
  if (spec.validateValue(schema, value, 'request').length === 0) return value;
  const other =
    typeof value === 'number' ? String(value) : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  if (other !== undefined && spec.validateValue(schema, other, 'request').length === 0) return other;
  return undefined;
}
