// Shared setup of the end-to-end operations walks (test/service/ops-*.test.ts): a real service on 127.0.0.1
// that can be restarted over the same data, an admin API client, partner `acme` onboarded with monitoring
// on, a webhook receiver that records what arrives, and the pollers the walks wait with. Each walk keeps its
// own playbook, faults and assertions; only the plumbing lives here.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/service/runtime.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';

/** Polls `probe` every 50 ms until it gives a value; throws naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One webhook delivery as it arrived: its path, when, the raw body and the signature and delivery-key headers. */
export interface Arrival {
  path: string;
  at: number;
  body: string;
  signature: string;
  key: string;
}

/** A webhook receiver on 127.0.0.1 that answers 200 and appends every request to `arrivals`. */
export function startArrivalsReceiver(arrivals: Arrival[]): Promise<Receiver> {
  return startReceiver((req) => {
    arrivals.push({
      path: req.url,
      at: Date.now(),
      body: req.body,
      signature: String(req.headers['gangway-signature'] ?? ''),
      key: String(req.headers['gangway-delivery'] ?? ''),
    });
    return { status: 200, body: {} };
  });
}

/** How many escalation deliveries (delivery key `…:escalated:…`) reached `path`. */
export function escalationsTo(arrivals: Arrival[], path: string): number {
  return arrivals.filter((a) => a.path === path && a.key.includes(':escalated:')).length;
}

/** Asserts that no delivery key arrived twice (deliveries are exactly-once, restarts included). */
export function assertNoDeliveryTwice(arrivals: Arrival[]): void {
  const keys = arrivals.map((a) => a.key);
  assert.equal(new Set(keys).size, keys.length, `no delivery twice: ${keys.join(', ')}`);
}

/** An admin JSON call: `path` from the root (`/api/v1/…`), the body parsed when there is one. */
export type Api = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

type Server = Awaited<ReturnType<typeof startServer>>;

export interface OpsService {
  /** The running server (a new one after `restart`). */
  readonly server: Server;
  /** An admin token (kept across restarts: it is in the store). */
  readonly admin: string;
  api: Api;
  /** Stops the server and starts a new one on the same data dir, as a deploy would. */
  restart(): Promise<void>;
  /** Stops the server and removes its data dir. */
  close(): Promise<void>;
}

export interface OpsServiceOptions {
  /** GANGWAY_SECRET_KEY (base64, 32 bytes). */
  secretKey: string;
  /** Prefix of the temporary data dir's name. */
  dataDirPrefix: string;
  /** The service's public URL (the links in notifications); none when omitted. */
  publicUrl?: string;
  /** The admin token's name (what timelines say the admin did as). */
  adminName?: string;
}

/** A real service on 127.0.0.1 port 0 (SQLite in a temp dir, private targets allowed) with an admin token. */
export async function startOpsService(options: OpsServiceOptions): Promise<OpsService> {
  const dataDir = await mkdtemp(join(tmpdir(), options.dataDirPrefix));
  const start = () =>
    startServer({
      dataDir,
      port: 0,
      allowPrivateTargets: ['127.0.0.0/8'],
      config: { version: 'test', ...(options.publicUrl && { publicUrl: options.publicUrl }) },
      env: { GANGWAY_SECRET_KEY: options.secretKey },
    });
  let server: Server;
  let admin: string;
  try {
    server = await start();
    admin = (
      await server.runtime.store.tokens.create({
        role: 'admin',
        name: options.adminName ?? 'admin',
        actor: 'test',
      })
    ).token;
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const api: Api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${admin}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    get server() {
      return server;
    },
    admin,
    api,
    async restart() {
      await server.close();
      server = await start();
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Pushes the playbook, creates partner `acme` with `secrets` (in order), onboards it and turns monitoring on,
 * asserting each step's status; gives the onboarding's id and the monitoring switch as the API answered.
 */
export async function onboardAcme(
  api: Api,
  push: { playbookText: string; specText?: string },
  secrets: Record<string, string>,
): Promise<{ onboardingId: string; monitoring: { enabled: boolean } }> {
  const pushed = await api<{ version: { id: string } }>('POST', '/api/v1/playbooks', push);
  assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
  assert.equal((await api('POST', '/api/v1/partners', { id: 'acme', name: 'Acme' })).status, 201);
  for (const [name, value] of Object.entries(secrets)) {
    assert.equal((await api('PUT', `/api/v1/secrets/acme/${name}`, { value })).status, 204);
  }
  const onboarding = await api<{ id: string }>('POST', '/api/v1/onboardings', {
    partnerId: 'acme',
    playbookVersionId: pushed.body.version.id,
  });
  assert.equal(onboarding.status, 201, JSON.stringify(onboarding.body));
  const onboardingId = onboarding.body.id;
  const on = await api<{ enabled: boolean }>('PUT', `/api/v1/onboardings/${onboardingId}/monitoring`, {
    enabled: true,
  });
  assert.equal(on.status, 200, JSON.stringify(on.body));
  return { onboardingId, monitoring: on.body };
}

/** The first open incident the API lists, or undefined while none is open. */
export async function firstOpenIncident<T>(api: Api): Promise<T | undefined> {
  return (await api<{ items: T[] }>('GET', '/api/v1/incidents?status=open')).body.items[0];
}

/** An incident's status as the API gives it now. */
export async function incidentStatus(api: Api, incidentId: string): Promise<string> {
  return (await api<{ status: string }>('GET', `/api/v1/incidents/${incidentId}`)).body.status;
}

/** An incident's timeline entries. */
export async function incidentTimeline<T>(api: Api, incidentId: string): Promise<T[]> {
  return (await api<{ items: T[] }>('GET', `/api/v1/incidents/${incidentId}/timeline`)).body.items;
}

/** A monitor's samples on an onboarding, as the API lists them; at most `limit` when given. */
export async function monitorSamples<T>(
  api: Api,
  onboardingId: string,
  monitorId: string,
  limit?: number,
): Promise<T[]> {
  const query = `monitorId=${monitorId}${limit === undefined ? '' : `&limit=${limit}`}`;
  return (await api<{ items: T[] }>('GET', `/api/v1/onboardings/${onboardingId}/samples?${query}`)).body
    .items;
}
