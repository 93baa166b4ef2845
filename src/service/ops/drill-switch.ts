import { errorMessage, TargetError } from '../../core/errors.js';
import { type ReferenceResolver, resolveValue } from '../../playbook/references.js';

/** An environment's fault switch, as declared (references unresolved). */
export interface FaultSwitch {
  url: string;
  headers: Record<string, string>;
}

/**
 * Sets the faults of an environment's own fault switch: POST `{"faults": [...]}` (an empty list clears
 * them), the demo sandbox's /__admin/faults contract. A relative URL resolves against the environment's
 * base URL. Errors name the declared URL, never a resolved secret.
 */
export async function setSwitchFaults(
  faultSwitch: FaultSwitch,
  baseUrl: string,
  faults: readonly string[],
  resolver: ReferenceResolver,
  timeoutMs = 10_000,
): Promise<void> {
  const { url, headers } = resolveValue(faultSwitch, resolver).value;
  const target = URL.canParse(url) ? url : new URL(url, baseUrl).toString();
  let response: Response;
  try {
    response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ faults }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new TargetError(
      'drill.switch-unreachable',
      `the fault switch ${faultSwitch.url} could not be reached: ${errorMessage(error)}`,
    );
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    throw new TargetError(
      'drill.switch-refused',
      `the fault switch ${faultSwitch.url} answered ${response.status} to ${JSON.stringify({ faults })}${text ? `: ${text.slice(0, 200)}` : ''}`,
    );
  }
}
