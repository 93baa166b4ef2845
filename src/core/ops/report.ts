import type { ChangeRecord, FollowUp, IncidentRecord, TimelineEntry } from './incident-record.js';
import { cell, escapeMarkdown, formatSpan, formatTime, link, table } from './report-format.js';
import type { ClockName } from './types.js';

/** What the report needs besides the incident and its timeline. */
export interface ReportContext {
  /**
   * Targets in ms: `detect` from the start of the problem to the trigger (e.g. the detector's window),
   * the clocks from the trigger (the severity's clocks). Absent or null: no target.
   */
  targets: Partial<Record<ClockName | 'detect', number | null>>;
  changes: ChangeRecord[];
  followUps: FollowUp[];
  /** When the report is written: judges milestones not reached yet and overdue follow-ups. */
  now: number;
}

/** Timeline entry types listed as the runbook steps taken. */
const STEP_TYPES = new Set(['runbook-step', 'action']);

/** The post-incident report as Markdown, every piece of user text escaped. */
export function postIncidentReport(
  incident: IncidentRecord,
  timeline: readonly TimelineEntry[],
  context: ReportContext,
): string {
  const entries = [...timeline].sort((a, b) => a.at - b.at);
  const sections = [
    `# Incident ${cell(incident.id)}: ${cell(incident.title)}`,
    summaryTable(incident),
    `## Problem statement\n\n${paragraph(incident.problemStatement)}`,
    `## Impact\n\n${impact(incident)}`,
    `## Response times\n\n${responseTimes(incident, context)}`,
    `## Timeline\n\n${timelineTable(incident, entries)}`,
    `## Linked changes\n\n${changes(context.changes)}`,
    `## Runbook steps taken\n\n${steps(entries.filter((e) => STEP_TYPES.has(e.type)))}`,
    `## Follow-ups\n\n${followUps(context.followUps, context.now)}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

function summaryTable(incident: IncidentRecord): string {
  const rows: string[][] = [
    ['Severity', cell(incident.severity)],
    ['Status', incident.status],
    ['Triggered', formatTime(incident.triggeredAt)],
  ];
  const detector = incident.detectorId
    ? `${incident.detectorId}${incident.detectorKind ? ` (${incident.detectorKind})` : ''}`
    : incident.detectorKind;
  if (detector) rows.push(['Detector', cell(detector)]);
  if (incident.signature) rows.push(['Signature', cell(incident.signature)]);
  if (incident.playbook)
    rows.push(['Playbook', cell([incident.playbook, incident.playbookVersion].filter(Boolean).join(' '))]);
  if (incident.runbook) rows.push(['Runbook', cell(incident.runbook)]);
  return table(['Field', 'Value'], rows);
}

function paragraph(text: string | null): string {
  return text?.trim() ? escapeMarkdown(text.trim()) : '_Not recorded._';
}

function impact(incident: IncidentRecord): string {
  const list = (values: string[]) => (values.length > 0 ? values.map(cell).join(', ') : '—');
  const environment = `${cell(incident.environment)}${incident.production ? ' (marked production)' : ''}`;
  return [
    `- Partners: ${list(incident.partners)}`,
    `- Components: ${list(incident.components)}`,
    `- Environment: ${environment}`,
    '',
    paragraph(incident.impact),
  ].join('\n');
}

interface Milestone {
  name: string;
  /** Where the span is measured from. */
  from: number | null;
  at: number | null;
  /** Set when `at` is a later milestone standing in (resolving without acknowledging still answers). */
  via?: string;
  target: number | null;
}

function milestones(incident: IncidentRecord, targets: ReportContext['targets']): Milestone[] {
  const t = incident.triggeredAt;
  const target = (name: ClockName | 'detect') => targets[name] ?? null;
  // The same rule as the clocks (incident-plan.ts clockMet): a later milestone meets the earlier ones.
  const standIn = (own: number | null, ...later: Array<[string, number | null]>) => {
    if (own !== null) return { at: own };
    const found = later.find(([, at]) => at !== null);
    return found ? { at: found[1], via: found[0] } : { at: null };
  };
  const mitigation: [string, number | null] = ['mitigation', incident.mitigatedAt];
  const resolution: [string, number | null] = ['resolution', incident.resolvedAt];
  return [
    { name: 'Detection', from: incident.startedAt, at: t, target: target('detect') },
    {
      name: 'Acknowledgement',
      from: t,
      ...standIn(incident.acknowledgedAt, mitigation, resolution),
      target: target('acknowledge'),
    },
    {
      name: 'First resolution attempt',
      from: t,
      ...standIn(incident.firstAttemptAt, mitigation, resolution),
      target: target('firstResolutionAttempt'),
    },
    { name: 'Mitigation', from: t, ...standIn(incident.mitigatedAt, resolution), target: target('mitigate') },
    { name: 'Resolution', from: t, at: incident.resolvedAt, target: target('resolve') },
  ];
}

/** met / missed by …, judged on the span; a milestone not reached yet is judged against `now`. */
function verdict(m: Milestone, now: number, closed: boolean): string {
  if (m.from === null) return 'not measured (start unknown)';
  if (m.at === null) {
    if (closed) return 'not reached';
    if (m.target === null) return 'pending';
    const late = now - m.from - m.target;
    return late > 0 ? `missed by ${formatSpan(late)} (not reached)` : 'pending';
  }
  if (m.target === null) return 'no target';
  const late = m.at - m.from - m.target;
  return late > 0 ? `missed by ${formatSpan(late)}` : 'met';
}

function responseTimes(incident: IncidentRecord, context: ReportContext): string {
  const closed = incident.status === 'resolved';
  const rows = milestones(incident, context.targets).map((m) => [
    m.name,
    m.at === null ? '—' : `${formatTime(m.at)}${m.via ? ` (at ${m.via})` : ''}`,
    m.at === null || m.from === null ? '—' : formatSpan(m.at - m.from),
    m.target === null ? '—' : formatSpan(m.target),
    verdict(m, context.now, closed),
  ]);
  const note = 'Detection is measured from the start of the problem, the others from the trigger.';
  return `${table(['Milestone', 'Time', 'Took', 'Target', 'Result'], rows)}\n\n${note}`;
}

function timelineTable(incident: IncidentRecord, entries: readonly TimelineEntry[]): string {
  if (entries.length === 0) return '_No entries._';
  const rows = entries.map((e) => {
    const offset = e.at - incident.triggeredAt;
    return [
      formatTime(e.at),
      `${offset < 0 ? '-' : '+'}${formatSpan(offset)}`,
      cell(e.type),
      cell(e.actor),
      cell(e.message),
    ];
  });
  return table(['Time', 'Since trigger', 'Event', 'By', 'What'], rows);
}

function changes(records: readonly ChangeRecord[]): string {
  if (records.length === 0) return '_None linked._';
  const rows = [...records]
    .sort((a, b) => a.at - b.at)
    .map((c) => [formatTime(c.at), cell(c.kind), link(c.summary, c.url), c.actor ? cell(c.actor) : '—']);
  return table(['Time', 'Kind', 'Change', 'By'], rows);
}

function steps(entries: readonly TimelineEntry[]): string {
  if (entries.length === 0) return '_None recorded._';
  return entries
    .map((e, i) => `${i + 1}. ${formatTime(e.at)} — ${cell(e.message)} (${cell(e.type)} by ${cell(e.actor)})`)
    .join('\n');
}

function followUps(items: readonly FollowUp[], now: number): string {
  if (items.length === 0) return '_None agreed._';
  const rows = [...items]
    .sort((a, b) => (a.dueAt ?? Number.POSITIVE_INFINITY) - (b.dueAt ?? Number.POSITIVE_INFINITY))
    .map((f) => {
      const overdue = f.status === 'open' && f.dueAt !== null && f.dueAt < now;
      return [
        link(f.title, f.url),
        cell(f.owner),
        f.dueAt === null ? '—' : formatTime(f.dueAt).slice(0, 10),
        overdue ? 'open, overdue' : f.status,
      ];
    });
  return table(['Follow-up', 'Owner', 'Due', 'Status'], rows);
}
