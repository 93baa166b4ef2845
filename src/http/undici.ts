import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/**
 * The parts of undici Gangway uses, loaded from their own files. undici's index loads all of it
 * (fetch, WebSocket, EventSource, caches, cookies, mocks, interceptors): ~55 ms at every start of
 * `gangway`, where these parts take ~20. Every module imports undici's values from here, never
 * from 'undici' itself (types may come from there: they cost nothing at run time);
 * test/http/undici.test.ts holds each to be the package's own export, so an upgrade of undici that
 * moves a file fails there, not in a user's run.
 */
const load = createRequire(import.meta.url);

export const Agent = load('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export type Agent = Undici.Agent;
export const Client = load('undici/lib/dispatcher/client.js') as typeof Undici.Client;
export type Client = Undici.Client;
export const Pool = load('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
export type Pool = Undici.Pool;
export const buildConnector = load('undici/lib/core/connect.js') as typeof Undici.buildConnector;
export declare namespace buildConnector {
  type BuildOptions = Undici.buildConnector.BuildOptions;
  type Options = Undici.buildConnector.Options;
  type Callback = Undici.buildConnector.Callback;
  type connector = Undici.buildConnector.connector;
}
export const getGlobalDispatcher = (load('undici/lib/global.js') as typeof Undici).getGlobalDispatcher;

// What undici's index does to every dispatcher: request(), stream(), pipeline(), connect(), upgrade().
const Dispatcher = load('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
Object.assign(Dispatcher.prototype, load('undici/lib/api/index.js') as object);
