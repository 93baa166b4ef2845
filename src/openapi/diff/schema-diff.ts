import { isObject } from '../pointer.js';
import type { JsonSchema } from '../types.js';
import { compareKeywords } from './schema-keywords.js';
import { type SchemaView, viewOf } from './schema-view.js';
import type { ChangeDirection, SchemaChange } from './types.js';

export type { SchemaChange } from './types.js';

type Resolve = (s: JsonSchema) => JsonSchema;

/**
 * Compares schemas of two specs for one direction. Results are memoised per pair of resolved
 * schema objects, so a component used by a thousand operations is compared once; a pair met
 * again while it is being compared (a recursive schema) contributes nothing the second time.
 */
export class SchemaDiffer {
  private readonly memo: Record<ChangeDirection, Map<object, Map<object, SchemaChange[]>>> = {
    request: new Map(),
    response: new Map(),
  };

  constructor(
    private readonly resolveOld: Resolve,
    private readonly resolveNew: Resolve,
  ) {}

  /** Changes between two schemas as seen by a client in this direction. */
  compare(oldSchema: JsonSchema, newSchema: JsonSchema, direction: ChangeDirection): SchemaChange[] {
    const a = this.resolveOld(oldSchema);
    const b = this.resolveNew(newSchema);
    if (!isObject(a) || !isObject(b)) return [];
    let row = this.memo[direction].get(a);
    if (!row) {
      row = new Map();
      this.memo[direction].set(a, row);
    }
    const known = row.get(b);
    if (known) return known;
    row.set(b, []); // in progress: a recursive reference to this pair adds nothing
    const result = this.compareViews(viewOf(a, this.resolveOld), viewOf(b, this.resolveNew), direction);
    row.set(b, result);
    return result;
  }

  /** Whether a property is invisible in this direction (readOnly in requests, writeOnly in responses). */
  hidden(schema: JsonSchema, side: 'old' | 'new', direction: ChangeDirection): boolean {
    const view = viewOf(schema, side === 'old' ? this.resolveOld : this.resolveNew);
    return direction === 'request' ? view.readOnly : view.writeOnly;
  }

  private compareViews(a: SchemaView, b: SchemaView, direction: ChangeDirection): SchemaChange[] {
    const out: SchemaChange[] = compareKeywords(a, b, direction);
    this.compareProperties(a, b, direction, out);
    if (a.items !== undefined && b.items !== undefined) this.nest(out, '[]', a.items, b.items, direction);
    if (isObject(a.additionalProperties) && isObject(b.additionalProperties)) {
      this.nest(out, '.*', a.additionalProperties, b.additionalProperties, direction);
    }
    if (a.variants && b.variants)
      this.compareVariants(a.variants.list, b.variants.list, b.variants.keyword, direction, out);
    return out;
  }

  private nest(
    out: SchemaChange[],
    prefix: string,
    a: JsonSchema,
    b: JsonSchema,
    direction: ChangeDirection,
  ): void {
    for (const c of this.compare(a, b, direction)) out.push({ ...c, path: prefix + c.path });
  }

  private compareProperties(
    a: SchemaView,
    b: SchemaView,
    direction: ChangeDirection,
    out: SchemaChange[],
  ): void {
    const request = direction === 'request';
    for (const [name, schema] of a.properties) {
      const at = `.${name}`;
      const next = b.properties.get(name);
      if (next === undefined) {
        if (this.hidden(schema, 'old', direction)) continue;
        out.push({
          code: request ? 'request.property.removed' : 'response.property.removed',
          path: at,
          detail: `property '${name}' was removed`,
        });
        continue;
      }
      const hidden = this.hidden(next, 'new', direction) || this.hidden(schema, 'old', direction);
      if (!hidden) {
        const wasRequired = a.required.has(name);
        const isRequired = b.required.has(name);
        if (request && !wasRequired && isRequired) {
          out.push({
            code: 'request.property.became-required',
            path: at,
            detail: `property '${name}' became required`,
          });
        } else if (request && wasRequired && !isRequired) {
          out.push({
            code: 'request.constraint-relaxed',
            path: at,
            detail: `property '${name}' is no longer required`,
          });
        } else if (!request && wasRequired && !isRequired) {
          out.push({
            code: 'response.property.no-longer-required',
            path: at,
            detail: `property '${name}' is no longer required (may be absent)`,
          });
        }
      }
      this.nest(out, at, schema, next, direction);
    }
    for (const [name, schema] of b.properties) {
      if (a.properties.has(name) || this.hidden(schema, 'new', direction)) continue;
      const at = `.${name}`;
      if (!request) out.push({ code: 'response.property.added', path: at, detail: `new property '${name}'` });
      else if (b.required.has(name)) {
        out.push({
          code: 'request.property.required-added',
          path: at,
          detail: `new required property '${name}'`,
        });
      } else
        out.push({ code: 'request.property.added', path: at, detail: `new optional property '${name}'` });
    }
    if (request) {
      // Required names without a property definition (common in allOf compositions).
      for (const name of b.required) {
        if (a.required.has(name) || b.properties.has(name) || a.properties.has(name)) continue;
        out.push({
          code: 'request.property.became-required',
          path: `.${name}`,
          detail: `property '${name}' became required`,
        });
      }
    }
  }

  /** Pairs alternatives: identical ones first (order is not a change), the rest by position. */
  private compareVariants(
    oldList: JsonSchema[],
    newList: JsonSchema[],
    keyword: string,
    direction: ChangeDirection,
    out: SchemaChange[],
  ): void {
    const leftOld: number[] = [];
    const taken = new Set<number>();
    oldList.forEach((o, i) => {
      const same = newList.findIndex((n, j) => !taken.has(j) && this.compare(o, n, direction).length === 0);
      if (same === -1) leftOld.push(i);
      else taken.add(same);
    });
    const leftNew = newList.map((_, j) => j).filter((j) => !taken.has(j));
    const pairs = Math.min(leftOld.length, leftNew.length);
    for (let k = 0; k < pairs; k++) {
      const j = leftNew[k] as number;
      this.nest(
        out,
        `.${keyword}[${j}]`,
        oldList[leftOld[k] as number] as JsonSchema,
        newList[j] as JsonSchema,
        direction,
      );
    }
    if (direction === 'request' && leftOld.length > pairs) {
      out.push({
        code: 'request.variant-removed',
        path: '',
        detail: `${leftOld.length - pairs} ${keyword} alternative(s) removed`,
      });
    }
    if (direction === 'response' && leftNew.length > pairs) {
      out.push({
        code: 'response.variant-added',
        path: '',
        detail: `${leftNew.length - pairs} ${keyword} alternative(s) added`,
      });
    }
  }
}
