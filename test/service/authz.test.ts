// Every endpoint × every role, with two partners: partner A can never read or change partner B's things
// (404, or 403 for B's secret scope), nothing of B appears in A's listings, and refused writes change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applySignal } from '../../src/service/ops/incident-engine.js';
import { ROUTES } from '../../src/service/routes/index.js';
import { AUTHZ_TABLE, type Caller, type Fixture, readinessReport } from './authz-table.js';
import { notesPlaybook, startTestService, type TestService } from './support.js';

const CALLERS: readonly Caller[] = ['viewer', 'partnerA', 'partnerB', 'operator', 'admin'];

describe('authorisation: every endpoint × every role, partner A against partner B', () => {
  let service: TestService;
  let tokens: Record<Caller | 'revoked', string>;
  let fixture: Fixture;
  const ownA: { onboarding: string; run: string; result: string } = { onboarding: '', run: '', result: '' };

  const api = <T = unknown>(token: string | undefined, method: string, path: string, body?: unknown) =>
    service.api<T>(token, method, `/api/v1${path}`, body);
  const ok = async <T>(method: string, path: string, body: unknown, status: number): Promise<T> => {
    const answer = await api<T>(service.admin, method, path, body);
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const auditCount = async () => (await service.server.runtime.store.audit.verify()) as { events?: number };
  const putSecretB = async () => {
    await service.server.runtime.store.secrets.put('bravo', 'bravo_key', 'bravo-secret-value', {
      actor: 'test',
    });
  };

  before(async () => {
    // No worker: runs the table starts stay queued and write nothing behind the test's back. The table
    // sends ~70 unauthenticated calls: the failed-auth limit (limits.test.ts) must not get in the way.
    service = await startTestService({ worker: false, config: { authFailuresPerMinute: 100_000 } });
    const notes = await notesPlaybook();
    await notes.api.close();
    const versionOf = async (playbookText: string) =>
      (
        await ok<{ version: { id: string } }>(
          'POST',
          '/playbooks',
          { playbookText, specText: notes.specText },
          201,
        )
      ).version.id;
    const playbookTextB = notes.playbookText.replace(
      'title: Notes partner integration',
      'title: Notes partner integration (B)',
    );
    const versionA = await versionOf(notes.playbookText);
    const versionB = await versionOf(playbookTextB);

    const setUp = async (partner: string, version: string) => {
      await ok('POST', '/partners', { id: partner, name: `${partner} corp` }, 201);
      const onboarding = (
        await ok<{ id: string }>(
          'POST',
          '/onboardings',
          { partnerId: partner, playbookVersionId: version },
          201,
        )
      ).id;
      const run = (
        await ok<{ id: string }>(
          'POST',
          '/runs/uploads',
          { onboardingId: onboarding, playbookVersionId: version, report: readinessReport(partner) },
          201,
        )
      ).id;
      const results = await ok<{ items: { id: string }[] }>('GET', `/runs/${run}/results`, undefined, 200);
      const result = results.items[0]?.id ?? '';
      await ok(
        'POST',
        '/signoffs',
        { onboardingId: onboarding, stage: 'readiness', role: 'partnerships', runId: run },
        201,
      );
      const waiver = await ok<{ id: string }>(
        'POST',
        '/waivers',
        {
          onboardingId: onboarding,
          stage: 'readiness',
          checkId: 'lifecycle',
          reason: `${partner} maintenance window`,
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        201,
      );
      await ok('PUT', `/secrets/${partner}/${partner}_key`, { value: `${partner}-secret-value` }, 204);
      return { onboarding, run, result, waiver: waiver.id };
    };
    const a = await setUp('alpha', versionA);
    Object.assign(ownA, a);
    const b = await setUp('bravo', versionB);

    const store = service.server.runtime.store;
    const spare = await store.tokens.create({ role: 'viewer', name: 'spare', actor: 'test' });
    const revoked = await store.tokens.create({ role: 'admin', name: 'revoked', actor: 'test' });
    await store.tokens.revoke(revoked.record.id, { actor: 'test' });
    tokens = {
      admin: service.admin,
      operator: await service.token('operator'),
      viewer: await service.token('viewer'),
      partnerA: await service.token('partner', 'alpha'),
      partnerB: await service.token('partner', 'bravo'),
      revoked: revoked.token,
    };
    const { playbook } = await service.server.runtime.ctx.versions.get(versionB);
    const incidentB = await applySignal(
      {
        store,
        jobs: service.server.runtime.jobs,
        versions: service.server.runtime.ctx.versions,
        now: () => Date.now(),
      },
      { onboardingId: b.onboarding, partnerId: 'bravo', playbookVersionId: versionB, ops: playbook.ops },
      {
        type: 'trigger',
        detectorId: 'availability',
        detectorKind: 'availability',
        dedupKey: `${b.onboarding}:availability:health:sandbox`,
        severity: 'SEV1',
        title: 'Notes API down',
        summary: '3 failures in 5 minutes',
        signature: 'availability:health',
        at: Date.now(),
        monitorId: 'health',
        environment: 'sandbox',
        details: {},
      },
    );
    fixture = {
      incidentB: incidentB?.id ?? '',
      partnerB: 'bravo',
      onboardingB: b.onboarding,
      runB: b.run,
      resultB: b.result,
      waiverB: b.waiver,
      versionB,
      playbookTextB,
      specText: notes.specText,
      secretNameB: 'bravo_key',
      spareTokenId: spare.record.id,
      report: readinessReport('bravo-again'),
    };
  });

  after(async () => {
    await service?.close();
  });

  test('the table has a row for every route and no row without one', () => {
    const routes = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(Object.keys(AUTHZ_TABLE).sort(), routes);
  });

  for (const r of ROUTES) {
    const key = `${r.method} ${r.path}`;
    test(key, async () => {
      const row = AUTHZ_TABLE[key];
      assert.ok(row, `no row for ${key} in test/service/authz-table.ts`);
      const url = row.url(fixture);
      const seen: string[] = [];
      for (const caller of [undefined, 'revoked', ...CALLERS] as const) {
        await row.prepare?.(fixture, { putSecretB });
        const before = await auditCount();
        const token = caller === undefined ? undefined : tokens[caller];
        const answer: { status: number; body: { error?: { code: string } } | undefined } = await api(
          token,
          r.method,
          url,
          row.body?.(fixture),
        );
        const want: number = caller === undefined || caller === 'revoked' ? 401 : row.expect[caller];
        seen.push(`${caller ?? 'none'} → ${answer.status}`);
        assert.equal(
          answer.status,
          want,
          `${key} as ${caller ?? 'no token'}: ${String(JSON.stringify(answer.body)).slice(0, 300)} (so far ${seen.join(', ')})`,
        );
        if (want >= 400) {
          assert.equal(typeof answer.body?.error?.code, 'string', `${key}: an error answer has a code`);
          // A refused call changes nothing: not one audit event was written.
          assert.deepEqual(await auditCount(), before, `${key} as ${caller ?? 'no token'} wrote something`);
        }
      }
    });
  }

  test('Prometheus /metrics (outside /api/v1): staff only', async () => {
    assert.equal((await service.api(undefined, 'GET', '/metrics')).status, 401);
    assert.equal((await service.api(tokens.revoked, 'GET', '/metrics')).status, 401);
    assert.equal((await service.api(tokens.partnerA, 'GET', '/metrics')).status, 403);
    assert.equal((await service.api(tokens.viewer, 'GET', '/metrics')).status, 200);
  });

  test('nothing of B appears in A’s listings, even when A asks for B by name', async () => {
    // B's ids as staff see them, including everything the table created for B.
    const idsB = new Set<string>([
      'bravo',
      fixture.versionB,
      'bravo_key',
      fixture.report ? 'bravo-again' : '',
    ]);
    const collect = async (path: string) => {
      const page = await api<{ items: { id?: string }[] }>(tokens.admin, 'GET', path);
      assert.equal(page.status, 200, path);
      for (const item of page.body.items) if (item.id) idsB.add(item.id);
      return page.body.items.length;
    };
    assert.ok((await collect('/onboardings?partnerId=bravo&limit=200')) >= 1);
    assert.ok((await collect('/runs?partnerId=bravo&limit=200')) >= 1);
    assert.ok((await collect('/results?partnerId=bravo&limit=200')) >= 1);
    for (const onboarding of [...idsB].filter((id) => id.startsWith('onb_'))) {
      await collect(`/waivers?onboardingId=${onboarding}`);
      await collect(`/signoffs?onboardingId=${onboarding}`);
    }
    assert.ok([...idsB].some((id) => id.startsWith('wvr_')) && [...idsB].some((id) => id.startsWith('sgn_')));
    idsB.delete('');

    const listings = [
      '/partners',
      '/playbooks',
      '/onboardings',
      '/onboardings?partnerId=bravo',
      '/runs',
      '/runs?partnerId=bravo',
      `/runs?onboardingId=${fixture.onboardingB}`,
      '/results',
      '/results?partnerId=bravo',
      `/results?runId=${fixture.runB}`,
      '/signoffs',
      '/waivers',
      '/metrics',
      '/metrics?partnerId=bravo',
      '/secrets',
      '/secrets?scope=bravo',
    ];
    const leaks = (text: string) => [...idsB].filter((id) => text.includes(id));
    for (const path of listings) {
      const asA = await api(tokens.partnerA, 'GET', path);
      assert.equal(asA.status, 200, `${path}: ${JSON.stringify(asA.body)}`);
      assert.deepEqual(leaks(JSON.stringify(asA.body)), [], `A's ${path} shows B's ids`);
    }
    // The grep can fail: staff's listings do hold B's ids, and A's hold A's own.
    assert.ok(leaks(JSON.stringify((await api(tokens.admin, 'GET', '/runs')).body)).length > 0);
    const ownRuns = JSON.stringify((await api(tokens.partnerA, 'GET', '/runs')).body);
    assert.ok(ownRuns.includes(ownA.run), 'A sees its own run');
    const ownMetrics = JSON.stringify((await api(tokens.partnerA, 'GET', '/metrics')).body);
    assert.ok(ownMetrics.includes(ownA.onboarding), 'A’s metrics cover its own onboarding');
    // Filters naming B's onboarding answer 404, as if it did not exist.
    for (const path of [
      `/signoffs?onboardingId=${fixture.onboardingB}`,
      `/waivers?onboardingId=${fixture.onboardingB}`,
    ]) {
      assert.equal((await api(tokens.partnerA, 'GET', path)).status, 404, path);
    }
  });

  test('A’s own resources answer A (the 404s above are scope, not broken requests)', async () => {
    for (const path of [
      `/onboardings/${ownA.onboarding}`,
      `/runs/${ownA.run}`,
      `/results/${ownA.result}`,
      `/results/${ownA.result}/evidence`,
      '/partners/alpha',
    ]) {
      assert.equal((await api(tokens.partnerA, 'GET', path)).status, 200, path);
    }
  });
});
