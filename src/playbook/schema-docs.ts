import { stringify } from 'yaml';
import { z } from 'zod';
import {
  authSchema,
  type CheckKindSchema,
  checkMetaSchema,
  environmentSchema,
  flowStepSchema,
  matcherSchema,
  playbookSchemaWith,
  targetsSchema,
  tlsSchema,
} from './schema.js';

/** The subset of JSON Schema that z.toJSONSchema emits and the docs read. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  [key: string]: unknown;
}

/** JSON Schema (draft 2020-12) of what users write, i.e. the schema's input side. */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

function alternatives(js: JsonSchema): JsonSchema[] | undefined {
  return js.anyOf ?? js.oneOf;
}

/** A short type name: string, list of string, map of string, "a" or "b", one of ... */
export function typeName(js: JsonSchema): string {
  if (js.const !== undefined) return JSON.stringify(js.const);
  if (js.enum) return js.enum.map((v) => JSON.stringify(v)).join(' or ');
  const alts = alternatives(js);
  if (alts) return [...new Set(alts.map(typeName))].join(' or ');
  const type = Array.isArray(js.type) ? js.type.join(' or ') : js.type;
  if (type === 'array') return js.items ? `list of ${typeName(js.items)}` : 'list';
  if (type === 'object') {
    if (js.properties) return 'map';
    if (typeof js.additionalProperties === 'object') return `map of ${typeName(js.additionalProperties)}`;
    return 'map';
  }
  if (type === 'string' && js.pattern?.includes('ms|s|m|h')) return 'duration';
  if (type === 'string' && js.pattern?.endsWith('%$')) return 'percentage';
  return type ?? 'any';
}

function constraint(js: JsonSchema): string {
  const parts: string[] = [];
  // z.int() bounds itself to the safe integers: not worth printing.
  if (js.minimum !== undefined && js.minimum > Number.MIN_SAFE_INTEGER) parts.push(`≥ ${js.minimum}`);
  if (js.maximum !== undefined && js.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${js.maximum}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** A markdown table of an object schema's fields; nested objects with fields are flattened (a.b). */
export function fieldsTable(js: JsonSchema): string {
  const rows: string[] = [];
  const visit = (schema: JsonSchema, prefix: string) => {
    const required = new Set(schema.required ?? []);
    for (const [name, field] of Object.entries(schema.properties ?? {})) {
      const key = `${prefix}${name}`;
      const deflt = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
      const need = required.has(name) ? 'yes' : '';
      rows.push(
        `| \`${key}\` | ${cell(typeName(field))}${constraint(field)} | ${need} | ${cell(deflt)} | ${cell(field.description ?? (field.const !== undefined ? 'Selects this form.' : ''))} |`,
      );
      if (field.properties && !alternatives(field)) visit(field, `${key}.`);
    }
  };
  visit(js, '');
  if (rows.length === 0) return '_No fields._\n';
  return [
    '| field | type | required | default | description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function placeholder(name: string, js: JsonSchema): unknown {
  if (js.examples?.length) return js.examples[0];
  if (js.default !== undefined) return js.default;
  if (js.const !== undefined) return js.const;
  if (js.enum?.length) return js.enum[0];
  const alts = alternatives(js);
  if (alts?.length) return placeholder(name, alts.find((a) => a.type !== 'null') ?? alts[0]!);
  switch (Array.isArray(js.type) ? js.type[0] : js.type) {
    case 'string':
      return `<${name}>`;
    case 'integer':
    case 'number':
      return js.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return js.items ? [placeholder(name, js.items)] : [];
    case 'object':
      return exampleObject(js);
    default:
      return `<${name}>`;
  }
}

function exampleObject(js: JsonSchema): Record<string, unknown> {
  const required = new Set(js.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(js.properties ?? {})) {
    // Show what must be written plus the options with a default, so the example shows the knobs.
    const emptyDefault =
      typeof field.default === 'object' && field.default !== null && Object.keys(field.default).length === 0;
    if (required.has(name) || field.examples?.length || (field.default !== undefined && !emptyDefault))
      out[name] = placeholder(name, field);
  }
  return out;
}

/** An example check entry for a kind, synthesised from its options schema (examples, defaults, required). */
export function checkExample(kind: CheckKindSchema): string {
  const js = toJsonSchema(kind.options);
  const options = placeholder(kind.kind, js);
  return stringify({ checks: [{ [kind.kind]: options }] }, { lineWidth: 100 });
}

function variants(js: JsonSchema): string {
  const alts = alternatives(js) ?? [js];
  return alts
    .map((alt) => {
      const type = alt.properties?.type?.const;
      const title = type === undefined ? typeName(alt) : `\`type: ${String(type)}\``;
      const body = alt.properties ? fieldsTable(alt) : '';
      return `#### ${title}\n\n${alt.description ?? ''}\n\n${body}`;
    })
    .join('\n');
}

/** One generated section per part of the format, keyed by name; the script places them among its text. */
export function referenceSections(kinds: readonly CheckKindSchema[]): Record<string, string> {
  const top = toJsonSchema(playbookSchemaWith(z.unknown()));
  const stage = top.properties?.stages?.items ?? {};
  const step = toJsonSchema(flowStepSchema);
  const matcher = alternatives(toJsonSchema(matcherSchema))?.find((a) => a.type === 'object') ?? {};
  return {
    top: fieldsTable(top),
    environment: fieldsTable(toJsonSchema(environmentSchema)),
    auth: variants(toJsonSchema(authSchema)),
    tls: fieldsTable(toJsonSchema(tlsSchema)),
    targets: fieldsTable(toJsonSchema(targetsSchema)),
    flowStep: fieldsTable(step),
    matcher: fieldsTable(matcher),
    stage: fieldsTable(stage),
    checkMeta: fieldsTable(toJsonSchema(checkMetaSchema)),
    kinds:
      kinds.length === 0
        ? '_No check kinds were registered when this file was generated._\n'
        : kinds.map(kindSection).join('\n'),
  };
}

function kindSection(kind: CheckKindSchema): string {
  const js = toJsonSchema(kind.options);
  const alts = alternatives(js);
  let options: string;
  if (js.properties) options = fieldsTable(js);
  else if (alts)
    options = alts
      .map(
        (alt) =>
          `- ${typeName(alt)}${alt.description ? `: ${alt.description}` : ''}${alt.properties ? `\n\n${fieldsTable(alt)}` : ''}`,
      )
      .join('\n')
      .replace(/\n*$/, '\n');
  else options = `Options: ${typeName(js)}.\n`;
  const note = js.description ? `${js.description}\n\n` : '';
  return `### ${kind.kind}\n\n${kind.description}\n\n${note}${options}\nExample:\n\n\`\`\`yaml\n${checkExample(kind)}\`\`\`\n`;
}
