/** The OpenAPI engine: load a spec, match requests, validate responses, generate requests. */

export { describeValue } from './issues.js';
export { loadSpec } from './load.js';
export { essence, isJsonMedia, matchMediaType } from './media-type.js';
export { queryValue, serialize } from './param-serialize.js';
export { fillPath, pathKeyQuery } from './request-gen.js';
export { stripServerBase } from './router.js';
export { propertyNames, schemaTypes } from './schema-props.js';
export type * from './types.js';
