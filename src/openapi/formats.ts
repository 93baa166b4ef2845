import type { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_LIMIT = 2 ** 63;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Adds the JSON Schema formats (ajv-formats) and the OpenAPI ones (int32, int64, byte...). */
export function addOpenApiFormats(ajv: Ajv2020): void {
  // ajv-formats is CommonJS: under NodeNext its plugin is the `default` member.
  addFormatsModule.default(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX,
  });
  // Doubles cannot hold every int64 exactly: only the magnitude is checked.
  ajv.addFormat('int64', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -INT64_LIMIT && n < INT64_LIMIT,
  });
  ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('byte', { type: 'string', validate: (s: string) => BASE64.test(s) });
  // Annotation-only formats: anything passes.
  for (const name of ['binary', 'password', 'string', 'uint8', 'html', 'markdown', 'decimal']) {
    ajv.addFormat(name, true);
  }
}
