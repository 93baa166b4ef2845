import type { DrillRun } from '../../service/ops/drill.js';
import { type DrillScore, seconds } from '../../service/ops/drill-score.js';

/** The drill report as JSON: plan, targets, expectations, score, timeline, deliveries. */
export function drillReportJson(run: DrillRun, score: DrillScore): Record<string, unknown> {
  const { plan } = run;
  const incident = run.view?.incident;
  return {
    type: 'gangway.drill',
    version: 1,
    scenario: plan.scenario,
    source: plan.source,
    description: plan.description,
    environment: plan.environment,
    speed: plan.speed,
    escalate: plan.escalate,
    notify: run.notify,
    detector: { id: plan.detector.id, kind: plan.detector.kind, severity: plan.detector.severity },
    monitors: plan.monitors.map((m) => m.id),
    fault:
      plan.fault.via === 'proxy'
        ? { via: 'proxy', faults: plan.fault.faults }
        : { via: 'switch', name: plan.fault.name },
    targets: plan.targets,
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: new Date(run.finishedAt).toISOString(),
    faultAt: new Date(run.faultAt).toISOString(),
    ...(run.clearedAt !== undefined && { clearedAt: new Date(run.clearedAt).toISOString() }),
    score: { passed: score.passed, total: score.total, percent: score.percent, pass: score.pass },
    expectations: score.expectations,
    ...(incident && {
      incident: {
        id: incident.id,
        title: incident.title,
        status: incident.status,
        severity: incident.severity,
        openedAt: incident.openedAt,
        acknowledgedAt: incident.acknowledgedAt,
        resolvedAt: incident.resolvedAt,
      },
    }),
    timeline: run.view?.timeline ?? [],
    ...(run.captured && { captured: run.captured }),
    ...(run.problem && { problem: run.problem }),
  };
}

/** The drill report as Markdown: the score, each expectation, the incident timeline. */
export function drillReportMarkdown(run: DrillRun, score: DrillScore): string {
  const { plan } = run;
  const rel = (at: number) => `+${seconds(at - run.faultAt)}`;
  const lines = [
    `# Drill ${plan.scenario} on ${plan.environment}: ${score.pass ? 'PASS' : 'FAIL'} (${score.passed}/${score.total}, ${score.percent}%)`,
    '',
    `- Scenario: ${plan.description} (${plan.source})`,
    `- Detector: ${plan.detector.id} (${plan.detector.kind}, ${plan.detector.severity}), monitors: ${plan.monitors.map((m) => m.id).join(', ')}`,
    `- Fault: ${plan.fault.label}, injected ${new Date(run.faultAt).toISOString()}`,
    `- Speed: ${plan.speed === 1 ? '1 (real durations)' : `${plan.speed}: every operations duration (monitor intervals, detector windows, escalation deadlines, severity clocks) divided by ${plan.speed}`}`,
    `- Notifications: ${run.notify === 'capture' ? 'captured locally (sent nowhere)' : "real (the playbook's notifiers)"}${plan.escalate ? ', escalation allowed to level 2' : ''}`,
    '',
    '## Expectations',
    '',
    '| expectation | target | measured | result |',
    '| --- | --- | --- | --- |',
    ...score.expectations.map(
      (e) =>
        `| ${cell(e.name)} | ${cell(e.target)} | ${cell(e.measured)} | ${e.pass ? 'pass' : `**FAIL**${e.detail ? `: ${cell(e.detail)}` : ''}`} |`,
    ),
  ];
  if (run.problem) lines.push('', `The drill stopped early: ${run.problem}`);
  const timeline = run.view?.timeline ?? [];
  if (run.view) {
    lines.push('', `## Incident ${run.view.incident.id}: ${run.view.incident.title}`, '');
    lines.push(
      'Times are from the fault injection.',
      '',
      '| time | event | actor | message |',
      '| --- | --- | --- | --- |',
    );
    for (const e of timeline)
      lines.push(`| ${rel(Date.parse(e.at))} | ${e.type} | ${cell(e.actor)} | ${cell(e.message)} |`);
  }
  if (run.clearedAt !== undefined) lines.push('', `Fault cleared at ${rel(run.clearedAt)}.`);
  if (run.captured && run.captured.length > 0) {
    lines.push(
      '',
      '## Captured deliveries',
      '',
      '| time | notifier | event | text |',
      '| --- | --- | --- | --- |',
    );
    for (const c of run.captured)
      lines.push(`| ${rel(c.at)} | ${cell(c.notifier)} | ${c.event} | ${cell(c.text)} |`);
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
