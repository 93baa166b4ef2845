import { compatibility } from './compatibility.js';
import { contract } from './contract.js';
import { credentials } from './credentials.js';
import { drift } from './drift.js';
import { flow } from './flow.js';
import { health } from './health.js';
import { idempotency } from './idempotency.js';
import type { CheckKind } from './kind.js';
import { load } from './load.js';
import { resilience } from './resilience.js';
import { security } from './security.js';
import { tls } from './tls.js';

/** Every check kind, registered explicitly: adding a kind is one file plus one line here. */
export const checkKinds: readonly CheckKind[] = [
  health,
  tls,
  credentials,
  contract,
  flow,
  compatibility,
  drift,
  idempotency,
  resilience,
  load,
  security,
];

export const checkKindsByName: ReadonlyMap<string, CheckKind> = new Map(checkKinds.map((k) => [k.kind, k]));
