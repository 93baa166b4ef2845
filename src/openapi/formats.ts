import { createRequire } from 'node:module';
import type { Ajv2020, Format } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats/dist/formats.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_LIMIT = 2 ** 63;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Every format a schema may name, as ajv checks it: ajv-formats' full set (the JSON Schema formats) and
 * the OpenAPI ones (int32, int64, byte...). The interpreter reads this table; ajv gets the same
 * definitions when it is first needed (addOpenApiFormats).
 */
export const FORMATS: Readonly<Record<string, Format>> = {
  ...(ajvFormats.fullFormats as Record<string, Format>),
  int32: {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX,
  },
  // Doubles cannot hold every int64 exactly: only the magnitude is checked.
  int64: {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -INT64_LIMIT && n < INT64_LIMIT,
  },
  float: { type: 'number', validate: (n: number) => Number.isFinite(n) },
  double: { type: 'number', validate: (n: number) => Number.isFinite(n) },
  byte: { type: 'string', validate: (s: string) => BASE64.test(s) },
  // Annotation-only formats: anything passes.
  ...Object.fromEntries(
    ['binary', 'password', 'string', 'uint8', 'html', 'markdown', 'decimal'].map((name) => [name, true]),
  ),
};

const require = createRequire(import.meta.url);

/** Adds the formats to an ajv instance, with ajv-formats' keywords (formatMinimum...). */
export function addOpenApiFormats(ajv: Ajv2020): void {
  // ajv-formats is CommonJS and loads parts of ajv: required here, when ajv is, not at start-up.
  const plugin = require('ajv-formats') as typeof import('ajv-formats');
  plugin.default(ajv, { keywords: true, formats: [] });
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
}
