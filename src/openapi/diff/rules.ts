import type { ChangeDirection, ChangeSeverity, Rule } from './types.js';

type Row = [code: string, severity: ChangeSeverity, direction: ChangeDirection, title: string];

// The catalogue. A code never changes meaning once published: tools and waivers refer to it.
const ROWS: Row[] = [
  // paths and operations
  ['path.removed', 'breaking', 'request', 'A path and all its operations were removed.'],
  ['operation.removed', 'breaking', 'request', 'An operation was removed; its path still exists.'],
  ['operation.added', 'info', 'request', 'A new operation.'],
  ['operation.deprecated', 'info', 'request', 'An operation was marked deprecated.'],
  [
    'operation.sunset',
    'info',
    'response',
    'An operation announces a sunset date (x-sunset or a Sunset response header).',
  ],
  // parameters (path, query, header, cookie)
  ['request.parameter.required-added', 'breaking', 'request', 'A new required parameter or header.'],
  ['request.parameter.added', 'info', 'request', 'A new optional parameter or header.'],
  [
    'request.parameter.removed',
    'warning',
    'request',
    'A parameter was removed: clients still sending it may see it ignored or refused.',
  ],
  ['request.parameter.became-required', 'breaking', 'request', 'An optional parameter became required.'],
  ['request.parameter.became-optional', 'info', 'request', 'A required parameter became optional.'],
  [
    'request.parameter.location-changed',
    'breaking',
    'request',
    'A parameter moved (query, header, path, cookie).',
  ],
  [
    'request.parameter.style-changed',
    'breaking',
    'request',
    "A parameter's serialisation (style or explode) changed.",
  ],
  ['request.parameter.deprecated', 'info', 'request', 'A parameter was marked deprecated.'],
  // request bodies
  ['request.body.required-added', 'breaking', 'request', 'A required request body where there was none.'],
  ['request.body.added', 'info', 'request', 'An optional request body where there was none.'],
  ['request.body.became-required', 'breaking', 'request', 'An optional request body became required.'],
  ['request.body.removed', 'warning', 'request', 'The request body was removed.'],
  ['request.content-type.removed', 'breaking', 'request', 'A request media type is no longer accepted.'],
  ['request.content-type.added', 'info', 'request', 'A new request media type is accepted.'],
  // request schemas (bodies and parameters)
  ['request.property.required-added', 'breaking', 'request', 'A new required request property.'],
  [
    'request.property.became-required',
    'breaking',
    'request',
    'An optional request property became required.',
  ],
  ['request.property.added', 'info', 'request', 'A new optional request property.'],
  [
    'request.property.removed',
    'warning',
    'request',
    'A request property was removed: clients still sending it may see it ignored or refused.',
  ],
  ['request.type-changed', 'breaking', 'request', 'A request value no longer accepts a type it accepted.'],
  ['request.nullable-removed', 'breaking', 'request', 'A request value no longer accepts null.'],
  ['request.max-decreased', 'breaking', 'request', 'maximum or exclusiveMaximum lowered (or added).'],
  ['request.min-increased', 'breaking', 'request', 'minimum or exclusiveMinimum raised (or added).'],
  ['request.max-length-decreased', 'breaking', 'request', 'maxLength lowered (or added).'],
  ['request.min-length-increased', 'breaking', 'request', 'minLength raised (or added).'],
  ['request.max-items-decreased', 'breaking', 'request', 'maxItems lowered (or added).'],
  ['request.min-items-increased', 'breaking', 'request', 'minItems raised (or added).'],
  ['request.pattern-changed', 'breaking', 'request', 'A pattern was added or changed.'],
  ['request.format-changed', 'breaking', 'request', 'A format was added or changed.'],
  [
    'request.enum-value-removed',
    'breaking',
    'request',
    'An enum value is no longer accepted (or an enum was added).',
  ],
  ['request.enum-value-added', 'info', 'request', 'A request enum accepts a new value.'],
  [
    'request.additional-properties-restricted',
    'breaking',
    'request',
    'additionalProperties: false (or a schema) added: extra properties are refused.',
  ],
  ['request.variant-removed', 'breaking', 'request', 'A oneOf/anyOf alternative was removed.'],
  [
    'request.constraint-relaxed',
    'info',
    'request',
    'A request constraint was relaxed (bound widened, pattern removed, null accepted...).',
  ],
  // responses
  [
    'response.success-removed',
    'breaking',
    'response',
    'A documented success (2xx/3xx) response was removed.',
  ],
  ['response.status-removed', 'info', 'response', 'A documented error response was removed.'],
  ['response.status-added', 'info', 'response', 'A new documented response status.'],
  ['response.content-type.removed', 'breaking', 'response', 'A response media type is no longer produced.'],
  ['response.content-type.added', 'info', 'response', 'A new response media type.'],
  ['response.header.required-removed', 'breaking', 'response', 'A required response header was removed.'],
  ['response.header.removed', 'warning', 'response', 'An optional response header was removed.'],
  [
    'response.header.no-longer-required',
    'breaking',
    'response',
    'A response header is no longer always sent.',
  ],
  // response schemas (bodies and headers)
  ['response.property.removed', 'breaking', 'response', 'A response property was removed.'],
  [
    'response.property.no-longer-required',
    'breaking',
    'response',
    'A response property is no longer always present.',
  ],
  ['response.property.added', 'info', 'response', 'A new response property.'],
  ['response.type-changed', 'breaking', 'response', 'A response value may now have a type it did not have.'],
  ['response.nullable-added', 'breaking', 'response', 'A response value may now be null.'],
  [
    'response.enum-value-added',
    'warning',
    'response',
    'A response enum has a new value: clients may not expect it.',
  ],
  ['response.enum-value-removed', 'info', 'response', 'A response enum value is no longer sent.'],
  [
    'response.constraint-widened',
    'warning',
    'response',
    'A response constraint was widened (bound, length, pattern, format): clients validating strictly may refuse values.',
  ],
  ['response.variant-added', 'warning', 'response', 'A oneOf/anyOf alternative was added to a response.'],
  // security
  [
    'security.requirement-added',
    'breaking',
    'request',
    'Credentials accepted before are no longer enough (a scheme was required or added).',
  ],
  ['security.scope-added', 'breaking', 'request', 'A required OAuth2 scope was added.'],
  [
    'security.requirement-removed',
    'info',
    'request',
    'A security requirement was removed or an alternative added.',
  ],
  [
    'security.scheme-changed',
    'breaking',
    'request',
    'A security scheme used by the operation changed (type, location, header name).',
  ],
];

/** Every rule, in documentation order. */
export const RULES: readonly Rule[] = ROWS.map(([code, severity, direction, title]) => ({
  code,
  severity,
  direction,
  title,
}));

export const RULES_BY_CODE: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.code, r]));

/** The rule of a code; throws on an unknown code (a bug in the differ, not user input). */
export function ruleOf(code: string): Rule {
  const rule = RULES_BY_CODE.get(code);
  if (!rule) throw new Error(`unknown diff rule ${code}`);
  return rule;
}
