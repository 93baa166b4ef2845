// The authorisation table: every /api/v1 endpoint × every role, with path parameters and bodies pointing at
// partner B's resources. authz.test.ts fails when a route in ROUTES has no row here (and a row no route).

/** Who calls. partnerA is the other partner (every id in a row is B's); partnerB is the owner. */
export type Caller = 'admin' | 'operator' | 'viewer' | 'partnerA' | 'partnerB';

/** B's resources (and shared things) the rows point at, made by authz.test.ts. */
export interface Fixture {
  partnerB: string;
  onboardingB: string;
  runB: string;
  resultB: string;
  waiverB: string;
  versionB: string;
  playbookTextB: string;
  specText: string;
  secretNameB: string;
  /** A token that only the admin row of DELETE /tokens/{tokenId} revokes. */
  spareTokenId: string;
  /** An open incident of B's onboarding. */
  incidentB: string;
  /** A `gangway run` JSON report of B's readiness stage. */
  report: unknown;
}

export interface Row {
  /** The concrete path under /api/v1, query included. */
  url(f: Fixture): string;
  /** Called for each caller (a body may need to differ per call). */
  body?(f: Fixture): unknown;
  /** The status each caller gets. No token and a revoked token always get 401. */
  expect: Record<Caller, number>;
  /** Runs before each call (e.g. puts back the secret a successful DELETE removed). */
  prepare?(f: Fixture, ctx: { putSecretB(): Promise<void> }): Promise<void>;
}

/** Reads: staff and the owner 200, the other partner 404. Listings: everyone 200 (filtered; grepped). */
const READ_B = { admin: 200, operator: 200, viewer: 200, partnerA: 404, partnerB: 200 } as const;
const LIST = { admin: 200, operator: 200, viewer: 200, partnerA: 200, partnerB: 200 } as const;
/** Staff writes that partners may not do at all. */
const STAFF_WRITE = (status: number) =>
  ({ admin: status, operator: status, viewer: 403, partnerA: 403, partnerB: 403 }) as const;

let made = 0;
const waiverExpiry = () => new Date(Date.now() + 86_400_000).toISOString();

export const AUTHZ_TABLE: Record<string, Row> = {
  // partners
  'GET /partners': { url: () => '/partners', expect: LIST },
  'POST /partners': {
    url: () => '/partners',
    body: () => ({ name: `Charlie ${++made}` }),
    expect: STAFF_WRITE(201),
  },
  'GET /partners/{partnerId}': { url: (f) => `/partners/${f.partnerB}`, expect: READ_B },

  // playbooks
  'GET /playbooks': { url: () => '/playbooks', expect: LIST },
  'POST /playbooks': {
    url: () => '/playbooks',
    body: (f) => ({ playbookText: f.playbookTextB, specText: f.specText }),
    expect: STAFF_WRITE(201),
  },
  'GET /playbooks/{versionId}': { url: (f) => `/playbooks/${f.versionB}`, expect: READ_B },

  // onboardings
  'GET /onboardings': { url: () => '/onboardings', expect: LIST },
  'POST /onboardings': {
    url: () => '/onboardings',
    body: (f) => ({ partnerId: f.partnerB, playbookVersionId: f.versionB }),
    expect: STAFF_WRITE(201),
  },
  'GET /onboardings/{onboardingId}': { url: (f) => `/onboardings/${f.onboardingB}`, expect: READ_B },
  'GET /onboardings/{onboardingId}/gates/{stage}': {
    url: (f) => `/onboardings/${f.onboardingB}/gates/readiness`,
    expect: READ_B,
  },
  'GET /onboardings/{onboardingId}/transitions': {
    url: (f) => `/onboardings/${f.onboardingB}/transitions`,
    expect: READ_B,
  },
  // A stage that is not next: staff get past authorisation to 409 and nothing moves.
  'POST /onboardings/{onboardingId}/transitions': {
    url: (f) => `/onboardings/${f.onboardingB}/transitions`,
    body: () => ({ why: 'authorisation table', to: 'no-such-stage' }),
    expect: STAFF_WRITE(409),
  },

  // To the version it is on already: staff get through, nothing of substance changes.
  'POST /onboardings/{onboardingId}/upgrades': {
    url: (f) => `/onboardings/${f.onboardingB}/upgrades`,
    body: (f) => ({ playbookVersionId: f.versionB, why: 'authorisation table' }),
    expect: STAFF_WRITE(201),
  },

  // runs (the authz service has no worker: started runs stay queued)
  'GET /runs': { url: () => '/runs', expect: LIST },
  'POST /runs': {
    url: () => '/runs',
    body: (f) => ({ onboardingId: f.onboardingB }),
    expect: { admin: 202, operator: 202, viewer: 403, partnerA: 404, partnerB: 202 },
  },
  'GET /runs/{runId}': { url: (f) => `/runs/${f.runB}`, expect: READ_B },
  'GET /runs/{runId}/events': { url: (f) => `/runs/${f.runB}/events`, expect: READ_B },
  'POST /runs/uploads': {
    url: () => '/runs/uploads',
    body: (f) => ({ onboardingId: f.onboardingB, playbookVersionId: f.versionB, report: f.report }),
    expect: { admin: 201, operator: 201, viewer: 403, partnerA: 404, partnerB: 201 },
  },

  // results
  'GET /runs/{runId}/results': { url: (f) => `/runs/${f.runB}/results`, expect: READ_B },
  'GET /results': { url: () => '/results', expect: LIST },
  'GET /results/{resultId}': { url: (f) => `/results/${f.resultB}`, expect: READ_B },
  'GET /results/{resultId}/evidence': { url: (f) => `/results/${f.resultB}/evidence`, expect: READ_B },

  // approvals
  'GET /signoffs': { url: () => '/signoffs', expect: LIST },
  // An owner role: staff sign it, the owner partner may not (403), the other partner cannot see it (404).
  'POST /signoffs': {
    url: () => '/signoffs',
    body: (f) => ({ onboardingId: f.onboardingB, stage: 'readiness', role: 'partnerships', runId: f.runB }),
    expect: { admin: 201, operator: 201, viewer: 403, partnerA: 404, partnerB: 403 },
  },
  'GET /waivers': { url: () => '/waivers', expect: LIST },
  'POST /waivers': {
    url: () => '/waivers',
    body: (f) => ({
      onboardingId: f.onboardingB,
      stage: 'readiness',
      checkId: 'lifecycle',
      reason: 'authorisation table waiver',
      expiresAt: waiverExpiry(),
    }),
    expect: STAFF_WRITE(201),
  },
  'POST /waivers/{waiverId}/revocation': {
    url: (f) => `/waivers/${f.waiverB}/revocation`,
    body: () => ({ why: 'authorisation table' }),
    expect: STAFF_WRITE(204),
  },

  // audit
  'GET /audit': {
    url: () => '/audit',
    expect: { admin: 200, operator: 200, viewer: 200, partnerA: 403, partnerB: 403 },
  },
  'GET /audit/verification': {
    url: () => '/audit/verification',
    expect: { admin: 200, operator: 200, viewer: 403, partnerA: 403, partnerB: 403 },
  },

  // tokens: admin only
  'GET /tokens': {
    url: () => '/tokens',
    expect: { admin: 200, operator: 403, viewer: 403, partnerA: 403, partnerB: 403 },
  },
  'POST /tokens': {
    url: () => '/tokens',
    body: () => ({ name: 'authz-made', role: 'viewer' }),
    expect: { admin: 201, operator: 403, viewer: 403, partnerA: 403, partnerB: 403 },
  },
  'DELETE /tokens/{tokenId}': {
    url: (f) => `/tokens/${f.spareTokenId}`,
    expect: { admin: 204, operator: 403, viewer: 403, partnerA: 403, partnerB: 403 },
  },

  // secrets: the other partner's scope is 403 (scopes are named in the path, not looked up)
  'GET /secrets': {
    url: () => '/secrets',
    expect: { admin: 200, operator: 200, viewer: 403, partnerA: 200, partnerB: 200 },
  },
  'PUT /secrets/{scope}/{name}': {
    url: (f) => `/secrets/${f.partnerB}/${f.secretNameB}`,
    body: () => ({ value: 'written-by-the-authz-table' }),
    expect: { admin: 204, operator: 204, viewer: 403, partnerA: 403, partnerB: 204 },
  },
  'DELETE /secrets/{scope}/{name}': {
    url: (f) => `/secrets/${f.partnerB}/${f.secretNameB}`,
    expect: { admin: 204, operator: 204, viewer: 403, partnerA: 403, partnerB: 204 },
    prepare: (_f, ctx) => ctx.putSecretB(),
  },

  // monitoring
  'GET /onboardings/{onboardingId}/monitoring': {
    url: (f) => `/onboardings/${f.onboardingB}/monitoring`,
    expect: READ_B,
  },
  'PUT /onboardings/{onboardingId}/monitoring': {
    url: (f) => `/onboardings/${f.onboardingB}/monitoring`,
    body: () => ({ enabled: false }),
    expect: STAFF_WRITE(200),
  },
  'GET /onboardings/{onboardingId}/samples': {
    url: (f) => `/onboardings/${f.onboardingB}/samples?monitorId=health`,
    expect: READ_B,
  },

  // incidents (commands in ROUTES order: a note, severity and attempt, then acknowledge → mitigate → resolve,
  // where the second writer finds the transition already made)
  'GET /incidents': { url: () => '/incidents', expect: LIST },
  'GET /incidents/{incidentId}': { url: (f) => `/incidents/${f.incidentB}`, expect: READ_B },
  'GET /incidents/{incidentId}/timeline': {
    url: (f) => `/incidents/${f.incidentB}/timeline`,
    expect: READ_B,
  },
  'GET /incidents/{incidentId}/report': { url: (f) => `/incidents/${f.incidentB}/report`, expect: READ_B },
  'GET /incidents/{incidentId}/deliveries': {
    url: (f) => `/incidents/${f.incidentB}/deliveries`,
    expect: { admin: 200, operator: 200, viewer: 200, partnerA: 403, partnerB: 403 },
  },
  'POST /incidents/{incidentId}/notes': {
    url: (f) => `/incidents/${f.incidentB}/notes`,
    body: () => ({ text: `checked the upstream ${++made}` }),
    expect: STAFF_WRITE(200),
  },
  'POST /incidents/{incidentId}/impact': {
    url: (f) => `/incidents/${f.incidentB}/impact`,
    body: () => ({ impact: `partners cannot pay ${++made}` }),
    expect: STAFF_WRITE(200),
  },
  'POST /incidents/{incidentId}/severity': {
    url: (f) => `/incidents/${f.incidentB}/severity`,
    body: () => ({ severity: 'SEV2' }),
    expect: STAFF_WRITE(200),
  },
  'POST /incidents/{incidentId}/attempts': {
    url: (f) => `/incidents/${f.incidentB}/attempts`,
    body: () => ({ what: 'restarted the consumer' }),
    expect: STAFF_WRITE(200),
  },
  'POST /incidents/{incidentId}/acknowledge': {
    url: (f) => `/incidents/${f.incidentB}/acknowledge`,
    body: () => ({}),
    expect: { admin: 409, operator: 200, viewer: 403, partnerA: 403, partnerB: 403 },
  },
  'POST /incidents/{incidentId}/mitigate': {
    url: (f) => `/incidents/${f.incidentB}/mitigate`,
    body: () => ({}),
    expect: { admin: 409, operator: 200, viewer: 403, partnerA: 403, partnerB: 403 },
  },
  'POST /incidents/{incidentId}/resolve': {
    url: (f) => `/incidents/${f.incidentB}/resolve`,
    body: () => ({}),
    expect: { admin: 409, operator: 200, viewer: 403, partnerA: 403, partnerB: 403 },
  },
  'GET /incidents/{incidentId}/followups': {
    url: (f) => `/incidents/${f.incidentB}/followups`,
    expect: READ_B,
  },
  'POST /incidents/{incidentId}/followups': {
    url: (f) => `/incidents/${f.incidentB}/followups`,
    body: () => ({ title: 'alert on p95 earlier', owner: 'payments-oncall' }),
    expect: STAFF_WRITE(201),
  },
  // action runs (B's playbook declares no action and the run does not exist: staff get past the role check to 404)
  'GET /incidents/{incidentId}/actions': { url: (f) => `/incidents/${f.incidentB}/actions`, expect: READ_B },
  'POST /incidents/{incidentId}/actions': {
    url: (f) => `/incidents/${f.incidentB}/actions`,
    body: () => ({ action: 'throttle' }),
    expect: STAFF_WRITE(404),
  },
  'POST /incidents/{incidentId}/actions/{runId}/approve': {
    url: (f) => `/incidents/${f.incidentB}/actions/act_none/approve`,
    body: () => ({}),
    expect: STAFF_WRITE(404),
  },
  'POST /incidents/{incidentId}/actions/{runId}/reject': {
    url: (f) => `/incidents/${f.incidentB}/actions/act_none/reject`,
    body: () => ({}),
    expect: STAFF_WRITE(404),
  },

  // changes
  'POST /changes': {
    url: () => '/changes',
    body: () => ({ kind: 'deploy', title: `api ${++made}`, ref: 'v1.2.3' }),
    expect: STAFF_WRITE(201),
  },
  'GET /changes': {
    url: () => '/changes',
    expect: { admin: 200, operator: 200, viewer: 200, partnerA: 403, partnerB: 403 },
  },

  // metrics
  'GET /metrics': { url: () => '/metrics', expect: LIST },
  'GET /session': { url: () => '/session', expect: LIST },
};

/** A `gangway run` JSON report of one passing readiness check, as the CLI uploads it. */
export function readinessReport(marker: string): unknown {
  const at = new Date().toISOString();
  return {
    formatVersion: 1,
    run: { stage: { id: 'readiness' }, environment: { name: 'sandbox' } },
    outcome: 'passed',
    checks: [
      {
        id: 'lifecycle',
        kind: 'flow',
        title: 'lifecycle',
        required: true,
        outcome: 'passed',
        summary: `2 steps passed (${marker})`,
        startedAt: at,
        durationMs: 12,
        findings: [],
        measurements: {},
        thresholds: [],
        samples: [{ t: 0, ms: 3, ok: true }],
        exchanges: [
          {
            id: `ex-${marker}`,
            operation: 'createNote',
            startedAt: at,
            request: { method: 'POST', url: 'http://127.0.0.1:9/notes', headers: {}, body: '{}' },
            response: { status: 201, headers: {}, body: `{"id":"${marker}"}`, size: 20 },
            timings: { total: 3 },
            traceId: '0af7651916cd43dd8448eb211c80319c',
          },
        ],
      },
    ],
  };
}
