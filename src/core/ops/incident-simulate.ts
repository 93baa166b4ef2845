import { InputError } from '../errors.js';
import { commandSeverity, configFor, type IncidentConfig, step } from './incident.js';
import type { IncidentCommand, IncidentEffect, IncidentState } from './incident-types.js';

/**
 * Runs a script of incident commands against the state machine with a fake durable-timer runtime: the
 * scenario tests, the property test and the documentation's worked example all use it. Time is
 * simulated, so hours of escalation run in microseconds.
 */

export type { IncidentConfig } from './incident.js';

/**
 * A command at a time, or `replay`: fire again every timer key the runtime no longer holds (already
 * fired or cancelled), as a queue that delivers a job twice or runs a job whose cancel was lost would.
 */
export type ScriptStep = { at: number; command: IncidentCommand } | { at: number; replay: true };

export type SimulationEvent =
  | { at: number; command: IncidentCommand; effects: IncidentEffect[]; replayed?: true }
  | { at: number; command: IncidentCommand; error: string };

export interface Simulation {
  state: IncidentState | null;
  log: SimulationEvent[];
  /** Timers the runtime still holds at the end. */
  timers: Map<string, number>;
}

/**
 * Applies the script in time order, firing each timer when its time comes (before a command at the
 * same instant; a timer scheduled in the past fires at once). The state goes through JSON between
 * steps, as it does through the store, so a lost field would show.
 */
export function simulate(config: IncidentConfig, script: readonly ScriptStep[], until: number): Simulation {
  let state: IncidentState | null = null;
  let clock = Number.NEGATIVE_INFINITY;
  const timers = new Map<string, number>();
  const everScheduled = new Set<string>();
  const log: SimulationEvent[] = [];

  const run = (command: IncidentCommand, now: number, replayed = false) => {
    // With no incident and no trigger, any severity will do: step refuses the command first.
    const id = commandSeverity(state, command) ?? config.severities[0]?.id ?? '';
    try {
      const { policy, severity } = configFor(config, id);
      const result = step(policy, severity, state, command, now);
      state = JSON.parse(JSON.stringify(result.state)) as IncidentState;
      for (const effect of result.effects) {
        if (effect.type === 'schedule') {
          timers.set(effect.key, effect.at);
          everScheduled.add(effect.key);
        } else if (effect.type === 'cancel') timers.delete(effect.key);
      }
      log.push(
        replayed
          ? { at: now, command, effects: result.effects, replayed }
          : { at: now, command, effects: result.effects },
      );
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      log.push({ at: now, command, error: error.code });
    }
  };

  const fireDue = (upTo: number) => {
    for (;;) {
      let next: [string, number] | undefined;
      for (const entry of timers) {
        if (entry[1] > upTo) continue;
        if (!next || entry[1] < next[1] || (entry[1] === next[1] && entry[0] < next[0])) next = entry;
      }
      if (!next) return;
      timers.delete(next[0]);
      clock = Math.max(clock, next[1]);
      run({ type: 'timer', key: next[0] }, clock);
    }
  };

  const ordered = [...script].sort((a, b) => a.at - b.at);
  for (const item of ordered) {
    fireDue(item.at);
    clock = Math.max(clock, item.at);
    if ('replay' in item) {
      const gone = [...everScheduled].filter((key) => !timers.has(key)).sort();
      for (const key of gone) run({ type: 'timer', key }, clock, true);
    } else run(item.command, clock);
  }
  fireDue(until);
  return { state, log, timers };
}
