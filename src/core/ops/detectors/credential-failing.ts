import type { MonitorSample } from '../types.js';
import { humanDuration, NO_JUDGEMENT } from './lifecycle.js';
import { perMonitorDetector } from './per-monitor.js';

/**
 * credentials.* findings that are not about our credential failing: an API answering without
 * credentials is a security finding, an unreachable target is availability's business.
 */
const NOT_CREDENTIAL_FAILURES = new Set(['credentials.not-enforced', 'credentials.unreachable']);

type CredentialKey = Record<string, never>;

function hasCredentialEvidence(sample: MonitorSample): boolean {
  for (const name in sample.measurements) if (name.startsWith('credentials.')) return true;
  return sample.findings.some((f) => f.code.startsWith('credentials.'));
}

/** Why the credential is failing, as stable reason codes (empty: it is fine). */
function reasonsOf(
  config: { minLifetimeS: number | null; rotationMs: number | null },
  sample: MonitorSample,
): string[] {
  const reasons: string[] = [];
  for (const f of sample.findings) {
    if (f.severity === 'error' && f.code.startsWith('credentials.') && !NOT_CREDENTIAL_FAILURES.has(f.code)) {
      if (!reasons.includes(f.code)) reasons.push(f.code);
    }
  }
  const lifetime = sample.measurements['credentials.tokenLifetimeS'];
  if (config.minLifetimeS !== null && typeof lifetime === 'number' && lifetime < config.minLifetimeS) {
    reasons.push('token-lifetime');
  }
  const age = sample.measurements['credentials.secretAgeS'];
  if (config.rotationMs !== null && typeof age === 'number' && age * 1000 > config.rotationMs) {
    reasons.push('rotation-overdue');
  }
  return reasons;
}

/**
 * Credential failing or expiring: the credentials check's errors (token refused, rejected, expired),
 * a token living less than `minLifetimeS`, or a secret older than `rotationMs`
 * (measurement `credentials.secretAgeS`).
 */
export const credentialFailing = perMonitorDetector<'credential-failing', CredentialKey>({
  kind: 'credential-failing',
  what: 'Credential failing',
  applies: (config, sample) => hasCredentialEvidence(sample) && reasonsOf(config, sample).length > 0,
  createKey: () => ({}),
  judge(config, _key, sample) {
    // Once a monitor has a key it is a credentials monitor: a sample without problems is clear,
    // unless the check could not judge at all.
    if (sample.error || sample.outcome === 'skipped') return NO_JUDGEMENT;
    const reasons = reasonsOf(config, sample);
    const bad = reasons.length > 0;
    return {
      verdict: bad ? 'bad' : 'clear',
      firing: bad,
      digest: bad ? reasons.join(',') : undefined,
      describe: () => {
        const lifetime = sample.measurements['credentials.tokenLifetimeS'];
        const age = sample.measurements['credentials.secretAgeS'];
        const parts = reasons.map((r) => {
          if (r === 'token-lifetime') return `the token lives ${humanDuration((lifetime ?? 0) * 1000)}`;
          if (r === 'rotation-overdue')
            return `the secret is ${humanDuration((age ?? 0) * 1000)} old (rotate every ${humanDuration(config.rotationMs ?? 0)})`;
          const finding = sample.findings.find((f) => f.code === r);
          return finding ? `${r}: ${finding.message}` : r;
        });
        return {
          summary: parts.join('; '),
          signature: `credential-failing:${sample.monitorId}:${reasons[0] ?? 'unknown'}`,
          details: {
            reasons,
            ...(typeof lifetime === 'number' ? { tokenLifetimeS: lifetime } : {}),
            ...(typeof age === 'number' ? { secretAgeS: age } : {}),
            minLifetimeS: config.minLifetimeS,
            rotationMs: config.rotationMs,
          },
        };
      },
    };
  },
  reset: () => {},
});
