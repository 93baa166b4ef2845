import { NO_JUDGEMENT } from './lifecycle.js';
import { perMonitorDetector } from './per-monitor.js';

// Nothing to keep beyond the life cycle: one sample with tls.daysLeft says it all.
type CertificateKey = Record<string, never>;

/**
 * How long ago a certificate with this (negative) `tls.daysLeft` expired. The tls check rounds the days
 * left down, so -1 is "expired within the last day" and -2 "a day ago": -daysLeft would be a day too many.
 */
export function expiredAgo(daysLeft: number): string {
  const days = -daysLeft - 1;
  return days < 1 ? 'less than a day ago' : `${days} day(s) ago`;
}

/** Certificate expiring: the tls check's `tls.daysLeft` is below `days`. */
export const certificateExpiring = perMonitorDetector<'certificate-expiring', CertificateKey>({
  kind: 'certificate-expiring',
  what: 'Certificate expiring',
  applies: (_config, sample) => typeof sample.measurements['tls.daysLeft'] === 'number',
  createKey: () => ({}),
  judge(config, _key, sample) {
    const daysLeft = sample.measurements['tls.daysLeft'];
    if (typeof daysLeft !== 'number' || Number.isNaN(daysLeft)) return NO_JUDGEMENT;
    const bad = daysLeft < config.days;
    return {
      verdict: bad ? 'bad' : 'clear',
      firing: bad,
      // One update a day as the count goes down, not one per sample.
      digest: String(daysLeft),
      describe: () => ({
        summary:
          daysLeft < 0
            ? `the certificate expired ${expiredAgo(daysLeft)}`
            : `the certificate expires in ${daysLeft} day(s) (alert under ${config.days})`,
        signature: `certificate-expiring:${sample.monitorId}`,
        details: { daysLeft, days: config.days },
      }),
    };
  },
  reset: () => {},
});
