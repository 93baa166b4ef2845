// Starts a real Gangway service (SQLite in a temp dir, port 0 on 127.0.0.1) and a notes API to onboard.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/service/runtime.js';
import type { ServiceConfig } from '../../src/service/types.js';
import type { Role } from '../../src/store/index.js';
import { NOTES_SPEC, startNotes } from '../fixtures/apis/notes.js';
import type { ApiServer } from '../fixtures/apis/server-kit.js';

export const NOTES_TOKEN = 'notes-canary-token-9f2e41c7';

export interface TestService {
  url: string;
  dataDir: string;
  admin: string;
  server: Awaited<ReturnType<typeof startServer>>;
  token(role: Role, partnerId?: string, name?: string): Promise<string>;
  api<T = unknown>(
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

/** A running service with an admin token; `options.config` overrides service settings. */
export async function startTestService(
  options: { config?: Partial<ServiceConfig>; databaseUrl?: string; worker?: boolean } = {},
): Promise<TestService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gangway-service-'));
  const server = await startServer({
    dataDir,
    port: 0,
    allowPrivateTargets: ['127.0.0.0/8'],
    config: { version: 'test', staleRunMs: 5_000, ...options.config },
    ...(options.databaseUrl && { databaseUrl: options.databaseUrl }),
    ...(options.worker !== undefined && { worker: options.worker }),
    env: { GANGWAY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') },
  });
  const store = server.runtime.store;
  const token = async (role: Role, partnerId?: string, name = `${role}-${partnerId ?? 'staff'}`) =>
    (await store.tokens.create({ role, name, ...(partnerId && { partnerId }), actor: 'test' })).token;
  const admin = await token('admin');
  const url = server.url;
  return {
    url,
    dataDir,
    admin,
    server,
    token,
    async api(auth, method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(auth && { authorization: `Bearer ${auth}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (event streams, Prometheus text)
      }
      return { status: response.status, body: parsed as never, headers: response.headers };
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The notes API and a playbook onboarding partners onto it (readiness → sandbox → production). */
export async function notesPlaybook(): Promise<{ api: ApiServer; playbookText: string; specText: string }> {
  const api = await startNotes({ token: NOTES_TOKEN, defects: false });
  const specText = await readFile(NOTES_SPEC, 'utf8');
  const playbookText = `playbook: notes-partner
title: Notes partner integration
version: 1.0.0
api:
  spec: ./notes.yaml
owners:
  partnerships: partnerships@example.com
  partner: partner@example.com
environments:
  sandbox:
    baseUrl: \${env.NOTES_URL}
    auth:
      type: bearer
      token: \${secret.notes_token}
  production:
    baseUrl: https://notes.example
    production: true
flows:
  lifecycle:
    - name: write a note
      call: createNote
      body: { title: Groceries, body: null, status: draft, tags: [home] }
      expect: { status: 201 }
      capture: { noteId: $.id }
    - name: read it back
      call: getNote
      params: { noteId: "{{ noteId }}" }
      expect: { status: 200, body: { $.title: Groceries } }
stages:
  - id: readiness
    environment: sandbox
    checks:
      - id: lifecycle
        flow: lifecycle
    signoff: [partnerships]
  - id: sandbox
    environment: sandbox
    checks:
      - contract: { maxCasesPerOperation: 1 }
      - id: lifecycle
        flow: lifecycle
    signoff: [partner]
  - id: production
    environment: production
    checks:
      - id: lifecycle
        flow: lifecycle
`;
  return { api, playbookText, specText };
}

/** Polls until the run is final (bounded). */
export async function waitForRun(
  service: TestService,
  token: string,
  runId: string,
  timeoutMs = 60_000,
): Promise<{ status: string; evidenceHash: string | null; attempts: number; workerId: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await service.api<{
      status: string;
      evidenceHash: string | null;
      attempts: number;
      workerId: string | null;
    }>(token, 'GET', `/api/v1/runs/${runId}`);
    if (['passed', 'failed', 'errored', 'interrupted'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
