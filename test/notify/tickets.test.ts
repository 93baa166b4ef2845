import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { github } from '../../src/notify/github.js';
import { jira } from '../../src/notify/jira.js';
import type { JsonValue } from '../../src/notify/types.js';
import { type Captured, context, message, type Receiver, startReceiver } from './receiver.js';

const GH_TOKEN = 'ghp_T0kenT0kenT0kenT0kenT0kenT0ken1234';
const JIRA_TOKEN = 'ATATT3xFfGF0jiraApiToken';

// GitHub REST: https://docs.github.com/en/rest/issues/issues#create-an-issue (title required; body, labels,
// assignees), #update-an-issue (state open|closed, state_reason), and
// https://docs.github.com/en/rest/issues/comments#create-an-issue-comment (body required).
const ghCreate = z.strictObject({
  title: z.string().min(1),
  body: z.string().optional(),
  labels: z.array(z.string()).optional(),
  assignees: z.array(z.string()).optional(),
});
const ghUpdate = z.strictObject({
  state: z.enum(['open', 'closed']).optional(),
  state_reason: z.enum(['completed', 'not_planned', 'reopened']).optional(),
});
const ghComment = z.strictObject({ body: z.string().min(1) });

// Jira REST v2: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/#api-rest-api-2-issue-post
// (fields.project, issuetype, summary ≤ 255), .../api-group-issue-comments/#api-rest-api-2-issue-issueidorkey-comment-post,
// .../api-group-issues/#api-rest-api-2-issue-issueidorkey-transitions-post ({ transition: { id } }).
const jiraCreate = z.strictObject({
  fields: z.object({
    project: z.strictObject({ key: z.string() }),
    issuetype: z.strictObject({ name: z.string() }),
    summary: z.string().min(1).max(255),
    description: z.string(),
    labels: z.array(z.string().regex(/^\S+$/)).optional(),
    priority: z.strictObject({ name: z.string() }).optional(),
  }),
});
// v3 bodies are Atlassian Document Format: https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
const adf = z.strictObject({
  type: z.literal('doc'),
  version: z.literal(1),
  content: z.array(
    z.strictObject({
      type: z.literal('paragraph'),
      content: z.array(
        z.union([
          z.strictObject({ type: z.literal('text'), text: z.string().min(1) }),
          z.strictObject({ type: z.literal('hardBreak') }),
        ]),
      ),
    }),
  ),
});

/** A GitHub Issues API with state: issues and comments, as the real one answers. */
function fakeGithub(base: () => string) {
  const issues: Array<{ number: number; body: string; state: string; comments: string[] }> = [];
  return (req: Captured) => {
    const path = req.url.split('?')[0]!;
    if (req.headers.authorization !== `Bearer ${GH_TOKEN}`)
      return { status: 401, body: { message: 'Bad credentials' } };
    if (req.method === 'POST' && path === '/repos/acme/ops/issues') {
      const body = ghCreate.parse(req.json);
      const issue = { number: issues.length + 1, body: body.body ?? '', state: 'open', comments: [] };
      issues.push(issue);
      return {
        status: 201,
        body: { number: issue.number, html_url: `${base()}/acme/ops/issues/${issue.number}` },
      };
    }
    if (req.method === 'GET' && path === '/repos/acme/ops/issues') {
      return {
        status: 200,
        body: [...issues].reverse().map((i) => ({ number: i.number, body: i.body, state: i.state })),
      };
    }
    const m = /^\/repos\/acme\/ops\/issues\/(\d+)(\/comments)?$/.exec(path);
    const issue = m ? issues[Number(m[1]) - 1] : undefined;
    if (!issue) return { status: 404, body: { message: 'Not Found' } };
    if (m?.[2] && req.method === 'GET')
      return { status: 200, body: issue.comments.map((body) => ({ body })) };
    if (m?.[2] && req.method === 'POST') {
      issue.comments.push(ghComment.parse(req.json).body);
      return { status: 201, body: { id: issue.comments.length } };
    }
    if (req.method === 'PATCH') {
      issue.state = ghUpdate.parse(req.json).state ?? issue.state;
      return { status: 200, body: { number: issue.number, state: issue.state } };
    }
    return { status: 405 };
  };
}

describe('ticketing notifiers', () => {
  let gh: Receiver;
  let jr: Receiver;
  before(async () => {
    gh = await startReceiver();
    gh.respond(fakeGithub(() => gh.url));
    jr = await startReceiver();
  });
  after(async () => {
    await gh.close();
    await jr.close();
  });

  test('github: open on trigger, comment on acknowledge, comment and close on resolve, the ref carried', async () => {
    const o = github.options.parse({
      repo: 'acme/ops',
      token: GH_TOKEN,
      apiUrl: gh.url,
      assignees: ['octocat'],
    });
    const opened = await github.deliver(o, message(), context());
    assert.equal(opened.detail, 'issue #1 opened');
    assert.deepEqual(opened.ref, { issue: 1, url: `${gh.url}/acme/ops/issues/1` });
    const create = ghCreate.parse(gh.requests.find((r) => r.method === 'POST')!.json);
    assert.equal(create.title, '[SEV1] Latency spike on api-health');
    assert.deepEqual(create.labels, ['incident', 'SEV1']);
    for (const r of gh.requests) {
      assert.equal(r.headers.accept, 'application/vnd.github+json');
      assert.equal(r.headers['x-github-api-version'], '2022-11-28');
    }

    const ack = message({ event: 'acknowledged', deliveryKey: 'inc_42:ack', text: 'ada acknowledged' });
    const acked = await github.deliver(o, ack, context({ ref: opened.ref as JsonValue }));
    assert.equal(acked.detail, 'issue #1 commented');
    // A retried delivery (the job ran again after a crash) does not comment twice.
    const again = await github.deliver(o, ack, context({ ref: acked.ref as JsonValue }));
    assert.equal(again.detail, 'issue #1 already has this comment');

    const resolved = await github.deliver(
      o,
      message({ event: 'resolved', deliveryKey: 'inc_42:res' }),
      context({ ref: again.ref as JsonValue }),
    );
    assert.equal(resolved.detail, 'issue #1 closed');
    const writes = gh.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(writes, [
      'POST /repos/acme/ops/issues',
      'POST /repos/acme/ops/issues/1/comments',
      'POST /repos/acme/ops/issues/1/comments',
      'PATCH /repos/acme/ops/issues/1',
    ]);
    assert.deepEqual(gh.requests.at(-1)!.json, { state: 'closed', state_reason: 'completed' });
  });

  test('github: a lost ref finds the incident’s issue by its marker instead of opening a second one', async () => {
    const o = github.options.parse({ repo: 'acme/ops', token: GH_TOKEN, apiUrl: gh.url });
    const m = message({ deliveryKey: 'inc_77:triggered' });
    m.incident.id = 'inc_77';
    const first = await github.deliver(o, m, context());
    const retried = await github.deliver(o, m, context());
    assert.deepEqual((retried.ref as { issue: number }).issue, (first.ref as { issue: number }).issue);
    assert.match(retried.detail ?? '', /already open/);
    assert.equal(
      gh.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/comments')).length,
      2,
      'no comment added',
    );
    const creates = gh.requests.filter((r) => r.method === 'POST' && r.url === '/repos/acme/ops/issues');
    assert.equal(creates.length, 2, 'one for inc_42 above, one for inc_77');
    // Resolving without a ref still closes the incident's issue; an incident without one is skipped.
    const closed = await github.deliver(
      o,
      message({ ...m, event: 'resolved', deliveryKey: 'inc_77:res' }),
      context(),
    );
    assert.equal(closed.detail, `issue #${(first.ref as { issue: number }).issue} closed`);
    const none = message({ event: 'resolved' });
    none.incident.id = 'inc_never_opened';
    assert.equal((await github.deliver(o, none, context())).status, 'skipped');
  });

  test('jira: create (v2 plain text), comment, transition to Done found by name, basic auth', async () => {
    const transitions = [
      { id: '11', name: 'To Do', to: { name: 'To Do' } },
      { id: '31', name: 'Done', to: { name: 'Done' } },
    ];
    jr.respond((req) => {
      if (req.method === 'POST' && req.url === '/rest/api/2/issue')
        return { status: 201, body: { id: '10042', key: 'OPS-7', self: `${jr.url}/rest/api/2/issue/10042` } };
      if (req.method === 'POST' && req.url === '/rest/api/2/issue/OPS-7/comment')
        return { status: 201, body: { id: '1' } };
      if (req.method === 'GET' && req.url === '/rest/api/2/issue/OPS-7/transitions')
        return { status: 200, body: { transitions } };
      if (req.method === 'POST' && req.url === '/rest/api/2/issue/OPS-7/transitions') return { status: 204 };
      return { status: 404, body: { errorMessages: ['no route'] } };
    });
    const o = jira.options.parse({
      url: jr.url,
      project: 'OPS',
      email: 'bot@acme.example',
      apiToken: JIRA_TOKEN,
      priorities: { SEV1: 'Highest' },
    });
    const opened = await jira.deliver(o, message(), context());
    assert.deepEqual(opened.ref, { key: 'OPS-7', id: '10042' });
    const fields = jiraCreate.parse(jr.requests[0]!.json).fields;
    assert.deepEqual(
      [fields.project.key, fields.issuetype.name, fields.priority?.name],
      ['OPS', 'Bug', 'Highest'],
    );
    assert.equal(
      jr.requests[0]!.headers.authorization,
      `Basic ${Buffer.from(`bot@acme.example:${JIRA_TOKEN}`).toString('base64')}`,
    );

    const noted = await jira.deliver(
      o,
      message({ event: 'mitigated', deliveryKey: 'm' }),
      context({ ref: opened.ref as JsonValue }),
    );
    assert.equal(noted.detail, 'ticket OPS-7 commented');
    const done = await jira.deliver(
      o,
      message({ event: 'resolved', deliveryKey: 'r' }),
      context({ ref: noted.ref as JsonValue }),
    );
    assert.match(done.detail ?? '', /moved by "Done"/);
    assert.deepEqual(jr.requests.at(-1)!.json, { transition: { id: '31' } });
    assert.equal(z.strictObject({ body: z.string().min(1) }).safeParse(jr.requests[1]!.json).success, true);

    transitions.splice(1, 1); // already done: the workflow offers no Done transition
    const late = await jira.deliver(
      o,
      message({ event: 'resolved', deliveryKey: 'r2' }),
      context({ ref: done.ref as JsonValue }),
    );
    assert.match(late.detail ?? '', /not available/);
  });

  test('jira: API v3 sends Atlassian Document Format bodies and a bearer token', async () => {
    jr.respond((req) =>
      req.url === '/rest/api/3/issue'
        ? { status: 201, body: { id: '1', key: 'OPS-8' } }
        : { status: 201, body: {} },
    );
    const o = jira.options.parse({ url: jr.url, project: 'OPS', apiVersion: 3, token: JIRA_TOKEN });
    const start = jr.requests.length;
    const opened = await jira.deliver(o, message(), context());
    await jira.deliver(
      o,
      message({ event: 'note', text: 'line one\nline two' }),
      context({ ref: opened.ref as JsonValue }),
    );
    const [create, comment] = jr.requests.slice(start);
    assert.equal(create!.headers.authorization, `Bearer ${JIRA_TOKEN}`);
    adf.parse((create!.json as { fields: { description: unknown } }).fields.description);
    assert.equal(comment!.url, '/rest/api/3/issue/OPS-8/comment');
    adf.parse((comment!.json as { body: unknown }).body);
  });

  test('jira: auth must be email + apiToken or token, not both or neither', () => {
    const base = { url: 'https://acme.atlassian.net', project: 'OPS' };
    assert.equal(jira.options.safeParse(base).success, false);
    assert.equal(
      jira.options.safeParse({ ...base, email: 'a@b.c', apiToken: 'x', token: 'y' }).success,
      false,
    );
    assert.equal(jira.options.safeParse({ ...base, email: 'a@b.c', apiToken: 'x' }).success, true);
    assert.ok(github.ticketing && jira.ticketing);
  });
});
