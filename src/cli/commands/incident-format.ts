// Plain-text views of the service's incident answers: the CLI is a client of /api/v1, so these types
// mirror the API's JSON (docs/service.md, /api/v1/openapi.json) instead of importing the service.

/** One incident as GET /incidents lists it (the fields the CLI shows). */
export interface IncidentSummary {
  id: string;
  severity: string;
  status: string;
  title: string;
  openedAt: string;
  environment: string;
  partnerId: string | null;
  onboardingId: string | null;
  detectorKind: string;
  summary: string;
  impact: string | null;
  components: string[];
  acknowledgedAt: string | null;
  firstAttemptAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
}

/** GET /incidents/{id}: the incident with its clocks, escalation position and runbook. */
export interface IncidentDetail extends IncidentSummary {
  clocks: { clock: string; deadline: string | null; metAt: string | null; breachedAt: string | null }[];
  escalation: { round: number; level: number } | null;
  runbook: { name: string; markdown: string | null } | null;
  similar: { id: string; title: string; openedAt: string; status: string }[];
}

/** One timeline event. */
export interface IncidentEvent {
  seq: number;
  at: string;
  type: string;
  actor: string;
  message: string;
}

/** "2026-05-01 12:34:56Z": ISO time to the second, readable in a table; unknown text passes through. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The incident list as a table (id, severity, status, opened, title). */
export function incidentTable(items: readonly IncidentSummary[]): string {
  if (items.length === 0) return 'no incidents';
  return table(
    ['ID', 'SEVERITY', 'STATUS', 'OPENED', 'TITLE'],
    items.map((i) => [i.id, i.severity, i.status, shortTime(i.openedAt), i.title]),
  );
}

/** Met, met late, breached, overdue (past its deadline, breach not recorded yet) or pending. */
export function clockState(clock: IncidentDetail['clocks'][number], now: number): string {
  const deadline = clock.deadline ? Date.parse(clock.deadline) : Number.NaN;
  if (clock.metAt) {
    const late = clock.breachedAt !== null || (!Number.isNaN(deadline) && Date.parse(clock.metAt) > deadline);
    return `${late ? 'met late' : 'met'} ${shortTime(clock.metAt)}`;
  }
  if (clock.breachedAt) return `BREACHED ${shortTime(clock.breachedAt)}`;
  if (!Number.isNaN(deadline) && deadline < now) return 'overdue';
  return 'pending';
}

/** The detail view: header, clocks, escalation, runbook, similar incidents, then the timeline. */
export function incidentDetailText(
  incident: IncidentDetail,
  timeline: readonly IncidentEvent[],
  now: number,
): string {
  const lines = [
    `${incident.id}  ${incident.severity}  ${incident.status}`,
    incident.title,
    '',
    `opened        ${shortTime(incident.openedAt)}`,
    `environment   ${incident.environment}`,
    ...(incident.partnerId ? [`partner       ${incident.partnerId}`] : []),
    ...(incident.onboardingId ? [`onboarding    ${incident.onboardingId}`] : []),
    `detector      ${incident.detectorKind}`,
    ...(incident.summary ? [`problem       ${incident.summary}`] : []),
    ...(incident.impact ? [`impact        ${incident.impact}`] : []),
    ...(incident.components.length > 0 ? [`components    ${incident.components.join(', ')}`] : []),
    `escalation    ${incident.escalation ? `level ${incident.escalation.level}, round ${incident.escalation.round}` : '-'}`,
    `runbook       ${incident.runbook ? incident.runbook.name : '-'}`,
    '',
    'Clocks',
  ];
  if (incident.clocks.length === 0) lines.push('  (none for this severity)');
  else {
    const rows = incident.clocks.map((c) => [c.clock, `due ${shortTime(c.deadline)}`, clockState(c, now)]);
    lines.push(
      ...table(['CLOCK', 'DEADLINE', 'STATE'], rows)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  if (incident.similar.length > 0) {
    lines.push('', 'Similar past incidents');
    for (const s of incident.similar)
      lines.push(`  ${s.id}  ${s.status}  ${shortTime(s.openedAt)}  ${s.title}`);
  }
  lines.push('', 'Timeline');
  if (timeline.length === 0) lines.push('  (empty)');
  for (const e of timeline) {
    lines.push(`  ${shortTime(e.at)}  ${e.type.padEnd(14)}  ${e.actor}: ${oneLine(e.message)}`);
  }
  return lines.join('\n');
}

/** Messages may hold newlines (notes); the timeline keeps one event per line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}
