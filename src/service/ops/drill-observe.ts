import type { Delivery, Incident, IncidentEvent, Store } from '../../store/index.js';

/** A notification as the incident's timeline recorded it (sent, or failed for good). */
export interface ObservedNotification {
  at: number;
  notifier: string;
  event: string;
  deliveryKey: string;
  round?: number;
  level?: number;
  ok: boolean;
  message: string;
}

/** What the drill saw of the incident, read back from the store. */
export interface IncidentView {
  incident: Incident;
  timeline: IncidentEvent[];
  notifications: ObservedNotification[];
  /** Delivery states (a skipped or retrying delivery has no timeline event: its state says why). */
  deliveries: Delivery[];
}

/** Polls `probe` every 50 ms until it answers, or `deadline` (epoch ms) passes (undefined then). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  deadline: number,
  signal?: AbortSignal,
): Promise<T | undefined> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline || signal?.aborted) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The drill's incident (the newest of its onboarding), with its timeline. */
export async function viewIncident(store: Store, onboardingId: string): Promise<IncidentView | undefined> {
  const incident = (await store.incidents.list({ onboardingId, limit: 1 })).items[0];
  if (!incident) return undefined;
  const timeline = await store.incidents.timeline(incident.id);
  const deliveries = await store.deliveries.list(incident.id);
  return { incident, timeline, notifications: notificationsOf(timeline), deliveries };
}

/** Notifications from timeline events; round and level are read from the delivery key (id:cycle:event:round:level:target). */
export function notificationsOf(timeline: readonly IncidentEvent[]): ObservedNotification[] {
  return timeline.flatMap((e) => {
    if (e.type !== 'notification' && e.type !== 'notification-failed') return [];
    const data = (e.data ?? {}) as { notifier?: unknown; event?: unknown; deliveryKey?: unknown };
    const deliveryKey = String(data.deliveryKey ?? '');
    const parts = deliveryKey.split(':');
    const round = Number(parts[3]);
    const level = Number(parts[4]);
    return [
      {
        at: Date.parse(e.at),
        notifier: String(data.notifier ?? ''),
        event: String(data.event ?? ''),
        deliveryKey,
        ...(Number.isInteger(round) && { round }),
        ...(Number.isInteger(level) && { level }),
        ok: e.type === 'notification',
        message: e.message,
      },
    ];
  });
}

/** Epoch ms of the first timeline event of a type, if any. */
export function firstAt(timeline: readonly IncidentEvent[], type: string): number | undefined {
  const event = timeline.find((e) => e.type === type);
  return event ? Date.parse(event.at) : undefined;
}
