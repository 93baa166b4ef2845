import type { Operation, SecurityScheme } from '../types.js';
import type { DiffContext } from './context.js';

const AT = 'security';
type Requirement = Record<string, string[]>;

const show = (r: Requirement): string =>
  Object.keys(r).length === 0
    ? 'no credentials'
    : Object.entries(r)
        .map(([name, scopes]) => (scopes.length > 0 ? `${name} [${scopes.join(', ')}]` : name))
        .join(' + ');

/** Whether credentials meeting `held` also meet `wanted`: every scheme and scope of `wanted` is in `held`. */
function meets(held: Requirement, wanted: Requirement): boolean {
  for (const [name, scopes] of Object.entries(wanted)) {
    const have = held[name];
    if (have === undefined || !scopes.every((s) => have.includes(s))) return false;
  }
  return true;
}

const sameSchemes = (a: Requirement, b: Requirement): boolean => {
  const x = Object.keys(a).sort().join(' ');
  return x === Object.keys(b).sort().join(' ');
};

/** Security rules: every client that could call the operation before must still be able to. */
export function diffSecurity(ctx: DiffContext, label: string, before: Operation, after: Operation): void {
  // No requirement means anonymous access: one empty alternative.
  const oldAlts = before.security.length === 0 ? [{}] : before.security;
  const newAlts = after.security.length === 0 ? [{}] : after.security;
  let broke = false;
  for (const held of oldAlts) {
    if (newAlts.some((wanted) => meets(held, wanted))) continue;
    broke = true;
    const narrower = newAlts.find((wanted) => sameSchemes(held, wanted));
    if (narrower) {
      ctx.add('security.scope-added', label, AT, `credentials with ${show(held)} now need ${show(narrower)}`);
    } else {
      ctx.add(
        'security.requirement-added',
        label,
        AT,
        `credentials with ${show(held)} are no longer enough: requires ${newAlts.map(show).join(' or ')}`,
      );
    }
  }
  if (!broke) {
    const gained = newAlts.filter((n) => !oldAlts.some((o) => meets(o, n) && meets(n, o)));
    if (gained.length > 0) {
      ctx.add('security.requirement-removed', label, AT, `now also accepts ${gained.map(show).join(' or ')}`);
    }
  }
  const used = new Set(before.security.flatMap((r) => Object.keys(r)));
  for (const name of new Set(after.security.flatMap((r) => Object.keys(r)))) {
    if (!used.has(name)) continue;
    const a = ctx.before.securitySchemes[name];
    const b = ctx.after.securitySchemes[name];
    if (a && b && describe(a) !== describe(b)) {
      ctx.add(
        'security.scheme-changed',
        label,
        `${AT}.${name}`,
        `scheme '${name}' changed from ${describe(a)} to ${describe(b)}`,
      );
    }
  }
}

function describe(s: SecurityScheme): string {
  if (s.type === 'apiKey') return `apiKey in ${s.in ?? '?'} '${s.paramName ?? '?'}'`;
  if (s.type === 'http') return `http ${(s.scheme ?? '').toLowerCase()}`;
  return s.type;
}
