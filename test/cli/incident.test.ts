// `gangway incident|changes|monitoring` against a real service: an incident opened through the engine
// (as a detector would), then listed, shown, driven through its life cycle and reported from the CLI.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applySignal } from '../../src/service/ops/incident-engine.js';
import { notesPlaybook, startTestService, type TestService } from '../service/support.js';
import { type CliResult, cli, tempDir } from './helpers.js';

describe('gangway incident / changes / monitoring through the API', () => {
  let service: TestService;
  let incidentId = '';
  let onboardingId = '';
  let viewer = '';
  let notesText = '';
  let specText = '';
  const as = (token: string, argv: readonly string[]) =>
    cli([...argv, '--server', service.url, '--token', token]);
  const admin = (...argv: string[]) => as(service.admin, argv);
  /** Exit 0, and nothing on stderr that looks like a stack trace or the token. */
  const ok = (r: CliResult, what: string) => {
    assert.equal(r.code, 0, `${what}: ${r.err}`);
    assert.doesNotMatch(r.out + r.err, /\n\s+at /, 'no stack trace');
  };
  /** Exit 2 with one clear line on stderr. */
  const refused = (r: CliResult, message: RegExp) => {
    assert.equal(r.code, 2, `${r.out}\n${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    assert.ok(!r.err.includes(service.admin) && !r.err.includes(viewer), 'no token in the error');
  };

  before(async () => {
    service = await startTestService({ worker: false });
    const notes = await notesPlaybook();
    await notes.api.close();
    notesText = notes.playbookText;
    specText = notes.specText;
    const call = async <T>(method: string, path: string, body: unknown, status: number) => {
      const answer = await service.api<T>(service.admin, method, `/api/v1${path}`, body);
      assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    const version = (
      await call<{ version: { id: string } }>(
        'POST',
        '/playbooks',
        { playbookText: notes.playbookText, specText: notes.specText },
        201,
      )
    ).version.id;
    await call('POST', '/partners', { id: 'acme', name: 'Acme' }, 201);
    onboardingId = (
      await call<{ id: string }>(
        'POST',
        '/onboardings',
        { partnerId: 'acme', playbookVersionId: version },
        201,
      )
    ).id;
    viewer = await service.token('viewer');
    const runtime = service.server.runtime;
    const { playbook } = await runtime.ctx.versions.get(version);
    const jobs = runtime.jobs;
    assert.ok(jobs, 'the service has a job queue');
    const incident = await applySignal(
      { store: runtime.store, jobs, versions: runtime.ctx.versions, now: () => Date.now() },
      { onboardingId, partnerId: 'acme', playbookVersionId: version, ops: playbook.ops },
      {
        type: 'trigger',
        detectorId: 'availability',
        detectorKind: 'availability',
        dedupKey: `${onboardingId}:availability:health:sandbox`,
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
    incidentId = incident?.id ?? '';
    assert.ok(incidentId, 'an incident was opened');
  });

  after(async () => {
    await service?.close();
  });

  test('list: a table, filters, --json, bad status refused', async () => {
    const all = await admin('incident', 'list');
    ok(all, 'list');
    const [header, row] = all.out.trim().split('\n');
    assert.match(header ?? '', /^ID\s+SEVERITY\s+STATUS\s+OPENED\s+TITLE$/);
    assert.match(
      row ?? '',
      new RegExp(
        `^${incidentId}\\s+SEV1\\s+triggered\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+Notes API down$`,
      ),
    );
    assert.match(
      (await admin('incident', 'list', '--status', 'open', '--severity', 'SEV1')).out,
      /Notes API down/,
    );
    assert.equal((await admin('incident', 'list', '--status', 'resolved')).out, 'no incidents\n');
    assert.equal((await admin('incident', 'list', '--severity', 'SEV3')).out, 'no incidents\n');
    const json = await admin('incident', 'list', '--json');
    ok(json, 'list --json');
    const page = JSON.parse(json.out) as { items: { id: string }[] };
    assert.deepEqual(
      page.items.map((i) => i.id),
      [incidentId],
    );
    refused(await admin('incident', 'list', '--status', 'closed'), /--status must be one of open, triggered/);
  });

  test('the server and token come from GANGWAY_SERVER / GANGWAY_TOKEN; missing ones are named', async () => {
    const viaEnv = await cli(['incident', 'list'], {
      env: { GANGWAY_SERVER: service.url, GANGWAY_TOKEN: viewer },
    });
    ok(viaEnv, 'list via env');
    assert.match(viaEnv.out, /Notes API down/);
    refused(await cli(['incident', 'list'], { env: { GANGWAY_SERVER: service.url } }), /give an API token/);
    const badToken = await as('not-a-token', ['incident', 'list']);
    assert.equal(badToken.code, 2, badToken.err);
    assert.ok(!badToken.err.includes('not-a-token'), 'the token is not echoed');
  });

  test('show: clocks with deadlines, escalation position, timeline; --json', async () => {
    const shown = await admin('incident', 'show', incidentId);
    ok(shown, 'show');
    assert.match(shown.out, new RegExp(`^${incidentId}  SEV1  triggered\\nNotes API down\\n`));
    assert.match(shown.out, /escalation +level 1, round 1/);
    assert.match(shown.out, /problem +3 failures in 5 minutes/);
    assert.match(shown.out, /acknowledge +due \d{4}-\d\d-\d\d [\d:]+Z +pending/);
    assert.match(shown.out, /resolve +due .+ pending/);
    assert.match(shown.out, /Timeline\n {2}\d{4}-.+triggered/);
    const json = JSON.parse((await admin('incident', 'show', incidentId, '--json')).out) as {
      incident: { id: string; clocks: { clock: string; deadline: string }[] };
      timeline: { type: string }[];
    };
    assert.equal(json.incident.id, incidentId);
    assert.ok(json.incident.clocks.some((c) => c.clock === 'acknowledge' && c.deadline));
    assert.ok(json.timeline.length >= 1);
    refused(await admin('incident', 'show', 'inc_doesnotexist'), /not found|no incident/i);
  });

  test('the life cycle: ack (with a message), attempt, note, severity, follow-up, mitigate, resolve', async () => {
    refused(
      await as(viewer, ['incident', 'ack', incidentId]),
      /refused POST \/api\/v1\/incidents\/.+\/acknowledge/,
    );
    const acked = await admin('incident', 'ack', incidentId, '--message', 'looking at the gateway');
    ok(acked, 'ack');
    assert.match(
      acked.out,
      new RegExp(`^acknowledged ${incidentId}: acknowledged, SEV1, Notes API down\\n$`),
    );
    refused(await admin('incident', 'ack', incidentId), /\[incident\.[\w-]+\]$/m);

    ok(await admin('incident', 'attempt', incidentId, '--what', 'restarted the gateway'), 'attempt');
    refused(await admin('incident', 'attempt', incidentId, '--what', '  '), /--what is empty/);
    ok(await admin('incident', 'note', incidentId, 'customers', 'informed'), 'note');
    ok(await admin('incident', 'impact', incidentId, 'partners', 'cannot', 'create', 'notes'), 'impact');
    refused(await admin('incident', 'impact', incidentId, ' '), /the impact is empty/);
    const sev = await admin('incident', 'severity', incidentId, 'SEV2');
    ok(sev, 'severity');
    assert.match(sev.out, /SEV2/);
    refused(await admin('incident', 'severity', incidentId, 'SEV9'), /SEV9/);
    const fu = await admin(
      'incident',
      'followup',
      incidentId,
      '--title',
      'alert on gateway restarts',
      '--owner',
      'sre',
      '--due',
      '2026-12-01',
    );
    ok(fu, 'followup');
    assert.match(fu.out, /follow-up \S+ on .+: alert on gateway restarts \(owner sre, due 2026-12-01\)/);
    refused(
      await admin('incident', 'followup', incidentId, '--title', 't', '--owner', 'o', '--due', 'soon'),
      /--due "soon" is not a date/,
    );
    ok(await admin('incident', 'mitigate', incidentId, '--message', 'traffic drained'), 'mitigate');
    const resolved = await admin('incident', 'resolve', incidentId, '-m', 'gateway fixed');
    ok(resolved, 'resolve');
    assert.match(resolved.out, /^resolved .+: resolved,/);
    refused(await admin('incident', 'mitigate', incidentId), /refused/);

    const shown = (await admin('incident', 'show', incidentId)).out;
    assert.match(shown, /SEV2 {2}resolved/);
    assert.match(shown, /acknowledge +due .+ met /);
    for (const text of [
      'looking at the gateway',
      'restarted the gateway',
      'customers informed',
      'traffic drained',
      'gateway fixed',
    ]) {
      assert.ok(shown.includes(text), `timeline has "${text}":\n${shown}`);
    }
    assert.equal((await admin('incident', 'list', '--status', 'open')).out, 'no incidents\n');
  });

  test('report: printed, or written with --out', async () => {
    const printed = await admin('incident', 'report', incidentId);
    ok(printed, 'report');
    assert.match(printed.out, /^# /);
    assert.ok(printed.out.includes('Notes API down'));
    assert.ok(printed.out.includes('alert on gateway restarts'), 'follow-ups in the report');
    assert.match(printed.out, /## Impact[\s\S]*partners cannot create notes/, 'the recorded impact');
    const file = join(tempDir(), 'pir.md');
    const written = await admin('incident', 'report', incidentId, '--out', file);
    ok(written, 'report --out');
    assert.equal(written.out, '');
    assert.equal(readFileSync(file, 'utf8'), printed.out);
  });

  test('changes: add, list, bad kind refused', async () => {
    const added = await admin(
      'changes',
      'add',
      '--kind',
      'deploy',
      '--title',
      'gateway 2.4.1',
      '--ref',
      'abc123',
      '--partner',
      'acme',
      '--env',
      'production',
    );
    ok(added, 'changes add');
    assert.match(added.out, /^recorded deploy change \S+ at .+: gateway 2\.4\.1\n$/);
    const listed = await admin('changes', 'list');
    ok(listed, 'changes list');
    assert.match(
      listed.out,
      /^ID\s+AT\s+KIND\s+PARTNER\s+ENV\s+REF\s+TITLE\n\S+\s+\S+ \S+Z\s+deploy\s+acme\s+production\s+abc123\s+gateway 2\.4\.1\n$/,
    );
    assert.equal((await admin('changes', 'list', '--partner', 'nobody')).out, 'no changes\n');
    refused(
      await admin('changes', 'add', '--kind', 'rollout', '--title', 'x'),
      /--kind must be one of deploy/,
    );
  });

  test('monitoring: on, status, off; unknown onboarding refused', async () => {
    const on = await admin('monitoring', 'on', onboardingId);
    ok(on, 'monitoring on');
    assert.match(on.out, new RegExp(`^monitoring on for ${onboardingId} since .+ by `));
    assert.match((await admin('monitoring', 'status', onboardingId)).out, /^monitoring on /);
    const off = await admin('monitoring', 'off', onboardingId, '--json');
    ok(off, 'monitoring off');
    assert.equal((JSON.parse(off.out) as { enabled: boolean }).enabled, false);
    refused(await admin('monitoring', 'status', 'onb_doesnotexist'), /refused GET/);
  });

  test('actions: run (awaits approval, or skipped by the cool-down: exit 1), approve, reject, list', async () => {
    const runtime = service.server.runtime;
    const pushed = await service.api<{ version: { id: string } }>(
      service.admin,
      'POST',
      '/api/v1/playbooks',
      {
        playbookText: `${notesText}actions:
  rollback: { type: webhook, purpose: rollback, url: "https://ops.example/rollback", approval: manual, cooldown: 0s }
  throttle: { type: webhook, purpose: throttle, url: "https://ops.example/throttle", cooldown: 10m }
`,
        specText,
      },
    );
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    const version = pushed.body.version.id;
    const { playbook } = await runtime.ctx.versions.get(version);
    const jobs = runtime.jobs;
    assert.ok(jobs);
    const opened = await applySignal(
      { store: runtime.store, jobs, versions: runtime.ctx.versions, now: () => Date.now() },
      { onboardingId, partnerId: 'acme', playbookVersionId: version, ops: playbook.ops },
      {
        type: 'trigger',
        detectorId: 'latency',
        detectorKind: 'latency-spike',
        dedupKey: `${onboardingId}:latency:health:sandbox`,
        severity: 'SEV2',
        title: 'Notes API slow',
        summary: 'p95 over 800 ms',
        signature: 'latency-spike:health',
        at: Date.now(),
        monitorId: 'health',
        environment: 'sandbox',
        details: {},
      },
    );
    const id = opened?.id ?? '';
    assert.ok(id);

    // No worker runs here: a started run stays running, which is what the cool-down counts.
    const throttled = await admin('incident', 'action', id, 'throttle');
    ok(throttled, 'action throttle');
    assert.match(throttled.out, new RegExp(`^throttle on ${id}: run act_\\S+ running\\n$`));
    const again = await admin('incident', 'action', id, 'throttle');
    assert.equal(again.code, 1, again.err);
    assert.match(again.out, /^throttle on .+: run act_\S+ skipped: cool-down: last run \d+s ago/);

    const asked = await admin('incident', 'action', id, 'rollback');
    ok(asked, 'action rollback');
    const runId = /run (act_\S+) pending-approval\n$/.exec(asked.out)?.[1] ?? '';
    assert.ok(runId, asked.out);
    refused(await as(viewer, ['incident', 'approve', id, runId]), /refused POST/);
    const approved = await admin('incident', 'approve', id, runId);
    ok(approved, 'approve');
    assert.equal(approved.out, `rollback on ${id}: run ${runId} running\n`);
    refused(await admin('incident', 'approve', id, runId), /\[action-run\.conflict\]/);

    const second = /run (act_\S+) pending/.exec((await admin('incident', 'action', id, 'rollback')).out)?.[1];
    assert.ok(second);
    const rejected = await admin('incident', 'reject', id, second, '--reason', 'not during the sale');
    ok(rejected, 'reject');
    assert.match(rejected.out, /run \S+ skipped: rejected by admin.*: not during the sale\n$/);
    refused(
      await admin('incident', 'action', id, 'nope'),
      /declares no action "nope" \(declared: rollback, throttle\)/,
    );

    const listed = await admin('incident', 'actions', id);
    ok(listed, 'actions');
    const lines = listed.out.trim().split('\n');
    assert.match(lines[0] ?? '', /^RUN\s+ACTION\s+STATUS\s+REQUESTED\s+DETAIL$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/).slice(1, 3).join(' ')),
      ['throttle running', 'throttle suppressed', 'rollback running', 'rollback suppressed'],
    );
    const json = JSON.parse((await admin('incident', 'actions', id, '--json')).out) as { items: unknown[] };
    assert.equal(json.items.length, 4);
    const shown = (await admin('incident', 'show', id)).out;
    assert.match(shown, /approved by admin/, 'the approval is on the timeline');
  });

  test('an unreachable server is exit 3 with one line', async () => {
    const r = await cli(['incident', 'list', '--server', 'http://127.0.0.1:1', '--token', 't']);
    assert.equal(r.code, 3, r.err);
    assert.match(r.err, /cannot reach the Gangway server/);
    assert.equal(r.err.trim().split('\n').length, 1);
  });
});
