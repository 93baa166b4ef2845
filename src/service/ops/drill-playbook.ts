import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { GangwayError } from '../../core/errors.js';
import type { Playbook } from '../../playbook/schema.js';
import { type DrillPlan, scaled, scaledEvery } from './drill-plan.js';

export interface DrillTextOptions {
  /** The fault proxy's URL: the environment's baseUrl is pointed at it (proxy faults only). */
  proxyUrl?: string;
  /** With `--notify capture`: every notifier becomes a webhook to this local receiver (`<url>/<name>`). */
  captureUrl?: string;
  /**
   * The drill environment's TLS fields (ca, cert, key, passphrase) and the secret names they become: the
   * service reads PEM text, never a file, so the drill stores what the CLI read as secrets of its own.
   */
  tlsSecrets?: Record<string, string>;
}

/**
 * The playbook text the drill runs: the loaded text with the drill's changes written in, so the
 * service's own loader, detectors, incident engine and notifiers run it unchanged. Only the scenario's
 * detector and the monitors it watches are kept (nothing else pages anyone), monitors point at the
 * drill's environment, every operations duration is divided by the speed (written out explicitly, so
 * defaults are scaled too), the detector's title starts with DRILL (incident titles, and so every
 * notification, say it), the environment's baseUrl points at the fault proxy, and its TLS material is
 * read from the drill's secrets (other environments, never contacted, lose their TLS blocks).
 */
export function drillPlaybookText(
  text: string,
  playbook: Playbook,
  plan: DrillPlan,
  options: DrillTextOptions,
): string {
  const doc = parseDocument(text);
  const { speed } = plan;
  const ops = playbook.ops;
  if (options.proxyUrl) doc.setIn(['environments', plan.environment, 'baseUrl'], options.proxyUrl);
  for (const [field, secret] of Object.entries(options.tlsSecrets ?? {}))
    doc.setIn(['environments', plan.environment, 'tls', field], `\${secret.${secret}}`);
  // The drill talks to its environment only; another's TLS files would only make the service refuse the copy.
  for (const name of Object.keys(playbook.environments))
    if (name !== plan.environment) doc.deleteIn(['environments', name, 'tls']);

  const kept = new Set(plan.monitors.map((m) => m.id));
  const monitors = doc.get('monitors');
  if (!isSeq(monitors)) throw new GangwayError('drill.playbook', 'the playbook text has no monitors list');
  monitors.items = monitors.items.filter((node, i) => {
    const monitor = ops.monitors[i];
    if (!monitor || !kept.has(monitor.id) || !isMap(node)) return false;
    const map = node as YAMLMap;
    map.set('environment', plan.environment);
    map.set('every', ms(scaledEvery(monitor.everyMs, speed)));
    map.set('jitter', ms(scaled(monitor.jitterMs, speed)));
    // Not scaled: the target's answers take as long as they take (the default was `every`, at most 5m).
    map.set('timeout', ms(monitor.check.timeoutMs));
    return true;
  });

  const detectors = doc.get('detectors');
  const index = ops.detectors.indexOf(plan.detector);
  if (!isSeq(detectors) || index < 0)
    throw new GangwayError('drill.playbook', 'the detector is not in the text');
  const detector = detectors.items[index];
  if (!isMap(detector)) throw new GangwayError('drill.playbook', 'the detector is not a map');
  detector.set('window', ms(Math.max(1, scaled(plan.detector.windowMs, speed))));
  detector.set('flap', ms(Math.max(1, scaled(plan.detector.flapMs, speed))));
  detector.set('title', drillTitle(plan));
  // A rehearsal calls no rollback / throttle webhook (and a re-run action may name a monitor left out here).
  detector.delete('actions');
  doc.delete('actions');
  // The copy rehearses one scenario; the others may name detectors it leaves out.
  doc.delete('drills');
  detectors.items = [detector];

  const severities: Record<string, Record<string, string>> = {};
  for (const s of ops.severities) {
    const clocks: Record<string, string> = { title: s.title };
    for (const [clock, value] of Object.entries(s.clocks))
      if (value !== null) clocks[clock] = ms(Math.max(1, scaled(value, speed)));
    severities[s.id] = clocks;
  }
  doc.set('severities', doc.createNode(severities));

  const escalation: Record<string, unknown> = {};
  for (const p of ops.escalation) {
    escalation[p.severity] = {
      levels: p.levels.map((l, i) => ({
        notify: l.notify,
        ...(i > 0 && { after: ms(Math.max(1, scaled(l.afterMs, speed))) }),
      })),
      repeat: p.repeat,
      repeatAfter: ms(Math.max(1, scaled(p.repeatAfterMs, speed))),
      updates: p.updates,
    };
  }
  doc.set('escalation', doc.createNode(escalation));

  if (options.captureUrl) {
    const notifiers: Record<string, unknown> = {};
    for (const name of Object.keys(ops.notifiers))
      notifiers[name] = { type: 'webhook', url: `${options.captureUrl}/${encodeURIComponent(name)}` };
    doc.set('notifiers', doc.createNode(notifiers));
  }
  return doc.toString({ lineWidth: 0 });
}

/** The incident title of a drill: DRILL first, so no one mistakes it for the real thing. */
export function drillTitle(plan: DrillPlan): string {
  const what = plan.detector.title ?? `${plan.detector.kind} (${plan.detector.id})`;
  return `DRILL ${plan.scenario}: ${what} on ${plan.environment}`;
}

function ms(value: number): string {
  return `${Math.round(value)}ms`;
}
