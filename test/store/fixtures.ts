import type { CheckResult, Exchange, Outcome } from '../../src/core/result.js';
import type { Onboarding, Partner, PlaybookVersion, Store } from '../../src/store/index.js';

export const T0 = Date.parse('2026-01-05T09:00:00.000Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A settable clock for the store. */
export function fakeClock(start = T0): { now: () => Date; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

export const PLAYBOOK = 'name: acme\nstages:\n  - id: readiness\n  - id: sandbox\n';
export const SPEC = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths: {}\n';

/** A partner, a playbook version and an onboarding at stage readiness. */
export async function seed(
  store: Store,
  name = 'Acme',
): Promise<{ partner: Partner; version: PlaybookVersion; onboarding: Onboarding }> {
  const partner = await store.partners.create({ name, actor: 'admin' });
  const { version } = await store.playbooks.put({
    name: 'acme',
    playbookText: PLAYBOOK,
    specText: SPEC,
    actor: 'admin',
  });
  const onboarding = await store.onboardings.create({
    partnerId: partner.id,
    playbookVersionId: version.id,
    stage: 'readiness',
    actor: 'admin',
  });
  return { partner, version, onboarding };
}

export function exchange(id: string, body = '{"ok":true}'): Exchange {
  return {
    id,
    operation: 'getThing',
    startedAt: new Date(T0).toISOString(),
    request: {
      method: 'GET',
      url: 'https://sandbox.example/things/1',
      headers: { accept: 'application/json' },
    },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body, size: body.length },
    timings: { total: 12 },
    traceId: '0af7651916cd43dd8448eb211c80319c',
  };
}

/** A check result; `exchanges` become its evidence. */
export function result(id: string, outcome: Outcome, exchanges: Exchange[] = []): CheckResult {
  return {
    id,
    kind: id.split(':')[0] ?? id,
    title: `check ${id}`,
    required: true,
    outcome,
    summary: `${id} ${outcome}`,
    startedAt: new Date(T0).toISOString(),
    durationMs: 42,
    findings:
      outcome === 'failed'
        ? [{ code: 'response.schema', severity: 'error', message: 'bad', operation: 'getThing' }]
        : [],
    measurements: { 'latency.p95': 120 },
    thresholds: [],
    samples: [],
    exchanges,
  };
}
