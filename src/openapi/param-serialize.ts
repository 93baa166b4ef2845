import { isObject } from './pointer.js';
import type { Parameter } from './types.js';

/** Serialises a parameter value in the simple style: arrays and objects joined with the separator. */
export function serialize(value: unknown, separator: string): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => serialize(v, separator)).join(separator);
  if (isObject(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${k}${separator}${serialize(v, separator)}`)
      .join(separator);
  }
  return String(value);
}

const SEPARATORS: Record<string, string> = { spaceDelimited: ' ', pipeDelimited: '|', tabDelimited: '\t' };

/** A query parameter's value as its style and explode ask: repeated values, delimited, or deepObject JSON. */
export function queryValue(param: Parameter, value: unknown): string | string[] {
  const style = param.style ?? 'form';
  const explode = param.explode ?? style === 'form';
  if (Array.isArray(value)) {
    if (style === 'form' && explode) return value.map((v) => serialize(v, ','));
    return serialize(value, SEPARATORS[style] ?? ',');
  }
  if (isObject(value) && style === 'deepObject') return JSON.stringify(value);
  return serialize(value, ',');
}
