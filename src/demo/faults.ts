import { InputError } from '../core/errors.js';

/** The fault modes the demo sandbox can switch on; each one reproduces a real partner-side failure. */
export const FAULTS = [
  {
    name: 'schema-drift',
    description: 'payments come back with amount as a string ("12.50") and created_at renamed createdAt',
  },
  {
    name: 'slow',
    description: 'every /payments* and /health response is delayed by about 1500 ms',
  },
  {
    name: 'erroring',
    description: 'every second /payments* request answers 500; /health answers 503',
  },
  {
    name: 'auth-broken',
    description: 'the token endpoint answers 500 and tokens issued before are refused with 401',
  },
  {
    name: 'cert-expired',
    description: 'the HTTPS listener serves a certificate that expired yesterday',
  },
  {
    name: 'cert-expiring',
    description: 'the HTTPS listener serves a still valid certificate that expires in 3 days',
  },
] as const;

export type FaultName = (typeof FAULTS)[number]['name'];

/** Delay added by the `slow` fault, in milliseconds. */
export const SLOW_DELAY_MS = 1500;

const NAMES: readonly string[] = FAULTS.map((f) => f.name);

/** True when the text names a fault. */
export function isFaultName(name: string): name is FaultName {
  return NAMES.includes(name);
}

/**
 * Validates fault names (from a flag, an option or the admin endpoint), drops duplicates and keeps
 * the order of FAULTS. Throws InputError('demo.unknown-fault') naming the valid ones.
 */
export function parseFaults(names: readonly string[]): FaultName[] {
  const unknown = names.filter((n) => !isFaultName(n));
  if (unknown.length > 0) {
    const list = unknown.map((n) => `"${n}"`).join(', ');
    throw new InputError('demo.unknown-fault', `unknown fault ${list}: valid faults are ${NAMES.join(', ')}`);
  }
  const wanted = new Set(names);
  return FAULTS.map((f) => f.name).filter((n) => wanted.has(n));
}

/**
 * The live fault switches of one sandbox. The `erroring` counter lives here so the pattern stays
 * deterministic (every second /payments* request) across switches.
 */
export class FaultState {
  #active = new Set<FaultName>();
  #paymentsRequests = 0;
  readonly #onChange: (faults: FaultName[]) => void;

  constructor(initial: readonly FaultName[], onChange: (faults: FaultName[]) => void = () => {}) {
    this.#onChange = onChange;
    this.set(initial);
  }

  /** Replaces the active faults. */
  set(faults: readonly FaultName[]): void {
    this.#active = new Set(faults);
    this.#paymentsRequests = 0;
    this.#onChange(this.list());
  }

  /** Active faults, in the order of FAULTS. */
  list(): FaultName[] {
    return FAULTS.map((f) => f.name).filter((n) => this.#active.has(n));
  }

  has(fault: FaultName): boolean {
    return this.#active.has(fault);
  }

  /** Counts a /payments* request and says whether `erroring` fails it (the 2nd, 4th, ...). */
  failsPaymentsRequest(): boolean {
    if (!this.#active.has('erroring')) return false;
    this.#paymentsRequests += 1;
    return this.#paymentsRequests % 2 === 0;
  }
}
