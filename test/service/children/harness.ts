// What the multi-process tests share: an API client for a child's URL, a notes API behind a slow relay (so a
// run is surely in progress when its worker is killed), and the set-up of a partner onboarding onto it.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiServer, serve } from '../../fixtures/apis/server-kit.js';
import { NOTES_TOKEN, notesPlaybook } from '../support.js';

export type Api = <T = unknown>(
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: T }>;

/** A JSON client of a service at `url` (non-JSON answers come back as text). */
export function apiClient(url: string): Api {
  return async <T>(token: string | undefined, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed as T };
  };
}

/** The notes API behind a relay that waits `delayMs` before forwarding each request (changeable). */
export interface SlowNotes {
  url: string;
  delayMs: number;
  /** Requests the relay received. */
  seen: number;
  close(): Promise<void>;
}

/** Starts the notes API and a slow relay in front of it; returns the relay and the playbook texts. */
export async function slowNotes(delayMs: number): Promise<{
  notes: SlowNotes;
  playbookText: string;
  specText: string;
}> {
  const { api, playbookText, specText } = await notesPlaybook();
  let relay: ApiServer | undefined;
  const notes: SlowNotes = {
    url: '',
    delayMs,
    seen: 0,
    async close() {
      await relay?.close();
      await api.close();
    },
  };
  relay = await serve(async (req) => {
    notes.seen += 1;
    await sleep(notes.delayMs);
    const query = req.query.toString();
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${api.url}${req.path}${query ? `?${query}` : ''}`, {
      method: req.method,
      headers,
      ...(req.body && { body: req.body }),
    });
    return {
      status: answer.status,
      body: await answer.text(),
      contentType: answer.headers.get('content-type') ?? 'application/octet-stream',
    };
  });
  notes.url = relay.url;
  return { notes, playbookText, specText };
}

/** A run as GET /api/v1/runs/{id} shows it. */
export interface RunView {
  id: string;
  status: string;
  attempts: number;
  workerId: string | null;
}

const FINAL = ['passed', 'failed', 'errored', 'interrupted'];

/** Polls a run until `done` says so (bounded); returns the last view. */
export async function pollRun(
  api: Api,
  token: string,
  runId: string,
  done: (run: RunView) => boolean = (run) => FINAL.includes(run.status),
  timeoutMs = 90_000,
): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await api<RunView>(token, 'GET', `/api/v1/runs/${runId}`);
    if (status === 200 && done(body)) return body;
    if (Date.now() > deadline)
      throw new Error(`run ${runId}: still ${JSON.stringify(body)} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Pushes the notes playbook, creates partner acme and its onboarding, stores the secrets pointing at the
 * relay. Returns the onboarding id and every GET path of what the API acknowledged (201/204) on the way.
 */
export async function onboardAcme(
  api: Api,
  admin: string,
  texts: { notesUrl: string; playbookText: string; specText: string },
): Promise<{ onboardingId: string; acknowledged: string[] }> {
  const expect = <T>(want: number, answer: { status: number; body: T }): T => {
    if (answer.status !== want)
      throw new Error(`expected ${want}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const pushed = expect(
    201,
    await api<{ version: { id: string } }>(admin, 'POST', '/api/v1/playbooks', {
      playbookText: texts.playbookText,
      specText: texts.specText,
    }),
  );
  expect(201, await api(admin, 'POST', '/api/v1/partners', { id: 'acme', name: 'Acme' }));
  for (const [name, value] of [
    ['NOTES_URL', texts.notesUrl],
    ['notes_token', NOTES_TOKEN],
  ] as const) {
    expect(204, await api(admin, 'PUT', `/api/v1/secrets/global/${name}`, { value }));
  }
  const onboarding = expect(
    201,
    await api<{ id: string }>(admin, 'POST', '/api/v1/onboardings', {
      partnerId: 'acme',
      playbookVersionId: pushed.version.id,
    }),
  );
  return {
    onboardingId: onboarding.id,
    acknowledged: [
      `/api/v1/playbooks/${pushed.version.id}`,
      '/api/v1/partners/acme',
      `/api/v1/onboardings/${onboarding.id}`,
    ],
  };
}
