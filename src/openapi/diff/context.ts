import { isObject } from '../pointer.js';
import { LoadedSpec } from '../spec.js';
import type { ApiSpec, Operation } from '../types.js';
import { ruleOf } from './rules.js';
import { type SchemaChange, SchemaDiffer } from './schema-diff.js';
import type { Change } from './types.js';

/** The two specs, the shared schema comparator and the changes found so far. */
export class DiffContext {
  readonly changes: Change[] = [];
  readonly schemas: SchemaDiffer;

  constructor(
    readonly before: ApiSpec,
    readonly after: ApiSpec,
  ) {
    this.schemas = new SchemaDiffer(
      (s) => before.resolve(s),
      (s) => after.resolve(s),
    );
  }

  /** Records a change of a catalogued rule; the message names the operation and the location. */
  add(code: string, operation: string, location: string, detail: string): void {
    const rule = ruleOf(code);
    this.changes.push({
      code,
      severity: rule.severity,
      direction: rule.direction,
      operation,
      location,
      message: location ? `${operation} ${location}: ${detail}` : `${operation}: ${detail}`,
    });
  }

  /** Records the changes of a schema comparison found below `location`. */
  addSchemaChanges(operation: string, location: string, changes: readonly SchemaChange[]): void {
    for (const c of changes) this.add(c.code, operation, location + c.path, c.detail);
  }
}

/** The operation object as written in its source document (for extensions such as x-sunset). */
export function rawOperation(spec: ApiSpec, op: Operation): Record<string, unknown> | undefined {
  if (!(spec instanceof LoadedSpec)) return undefined;
  const raw = spec.rawAt(op.pointer);
  return isObject(raw) ? raw : undefined;
}
