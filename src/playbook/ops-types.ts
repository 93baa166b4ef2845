import type { z } from 'zod';
import type { OpsConfig } from '../core/ops/types.js';

/** A notifier type the playbook may use (the notifier registry's list, injected like check kinds). */
export interface NotifierKindSchema {
  type: string;
  description: string;
  options: z.ZodType;
  /** Opens tickets (github, jira): a `ticket` action may use it. */
  ticketing: boolean;
}

/** A declared notification channel; `${secret.x}` references in its options are still unresolved. */
export interface NotifierConfig {
  name: string;
  type: string;
  options: unknown;
}

/** The operations half of a loaded playbook. */
export interface PlaybookOps extends OpsConfig {
  notifiers: Record<string, NotifierConfig>;
}
