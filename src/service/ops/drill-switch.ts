import { errorMessage, TargetError } from '../../core/errors.js';
import { HttpClient } from '../../http/client.js';
import { Redactor } from '../../http/redact.js';
import type { ResolvedTls } from '../../http/types.js';
import { type ReferenceResolver, resolveValue } from '../../playbook/references.js';

/** An environment's fault switch, as declared (references unresolved). */
export interface FaultSwitch {
  url: string;
  headers: Record<string, string>;
}

/**
 * Sets the faults of an environment's own fault switch: POST `{"faults": [...]}` (an empty list clears
 * them), the demo sandbox's /__admin/faults contract. A relative URL resolves against the environment's
 * base URL; the environment's TLS settings (its CA, client certificate) apply, not its auth or headers
 * (the switch's own headers do). No redirect is followed. Errors name the declared URL, never a resolved
 * secret.
 */
export async function setSwitchFaults(
  faultSwitch: FaultSwitch,
  baseUrl: string,
  faults: readonly string[],
  resolver: ReferenceResolver,
  options: { tls?: ResolvedTls; timeoutMs?: number; version?: string } = {},
): Promise<void> {
  const { value, secrets, envValues } = resolveValue(faultSwitch, resolver);
  const redactor = new Redactor({});
  for (const secret of [...secrets, ...envValues]) redactor.addSecret(secret);
  const target = URL.canParse(value.url) ? value.url : new URL(value.url, baseUrl).toString();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new HttpClient({
    redactor,
    ...(options.tls && { tls: options.tls }),
    ...(options.version && { version: options.version }),
    limits: { maxRedirects: 0, totalTimeoutMs: timeoutMs, headersTimeoutMs: timeoutMs },
  });
  const body = JSON.stringify({ faults });
  try {
    let status: number;
    let text: string;
    try {
      const response = await client.request({
        method: 'POST',
        url: target,
        headers: { 'content-type': 'application/json', ...value.headers },
        body,
      });
      status = response.status;
      text = response.text();
    } catch (error) {
      throw new TargetError(
        'drill.switch-unreachable',
        `the fault switch ${faultSwitch.url} could not be reached: ${redactor.text(errorMessage(error))}`,
      );
    }
    if (status < 200 || status > 299) {
      throw new TargetError(
        'drill.switch-refused',
        `the fault switch ${faultSwitch.url} answered ${status} to ${body}${text ? `: ${redactor.text(text.slice(0, 200))}` : ''}`,
      );
    }
  } finally {
    await client.close();
  }
}
