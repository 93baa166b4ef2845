/** The fault proxy: HTTP(S) and TCP, faults switched through a control API or programmatically. */

import type { FaultProxy, ProxyOptions } from './core.js';
import { startHttpProxy } from './http-proxy.js';
import { startTcpProxy } from './tcp-proxy.js';

export { type ControlServer, startControlServer } from './control.js';
export { FaultError, type FaultProxy, type ProxyOptions } from './core.js';
export { type FaultIssue, parseFaultText, validateFaults } from './fault-parse.js';
export type { FaultStatus } from './fault-table.js';
export { FAULT_TYPES, type FaultDefinition, type FaultInput, type FaultType, faultSchema } from './faults.js';
export type { ObservedExchange } from './observation.js';
export type { ProxyStats } from './stats.js';

/** Starts a fault proxy (HTTP(S) by default, TCP with `tcp: true`) listening on 127.0.0.1 unless told otherwise. */
export function startProxy(options: ProxyOptions): Promise<FaultProxy> {
  return options.tcp ? startTcpProxy(options) : startHttpProxy(options);
}
