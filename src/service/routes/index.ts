import type { Route } from '../route.js';
import { approvalRoutes } from './approvals.js';
import { auditRoutes } from './audit.js';
import { changeRoutes } from './changes.js';
import { incidentActionRoutes } from './incident-actions.js';
import { incidentRoutes } from './incidents.js';
import { metricsRoutes } from './metrics.js';
import { monitoringRoutes } from './monitoring.js';
import { onboardingRoutes } from './onboardings.js';
import { partnerRoutes } from './partners.js';
import { playbookRoutes } from './playbooks.js';
import { resultRoutes } from './results.js';
import { runRoutes } from './runs.js';
import { secretRoutes } from './secrets.js';
import { sessionRoutes } from './session.js';
import { tokenRoutes } from './tokens.js';

/** Every /api/v1 endpoint; the OpenAPI document lists them in this order. */
export const ROUTES: readonly Route[] = [
  ...partnerRoutes,
  ...playbookRoutes,
  ...onboardingRoutes,
  ...runRoutes,
  ...resultRoutes,
  ...approvalRoutes,
  ...auditRoutes,
  ...tokenRoutes,
  ...sessionRoutes,
  ...secretRoutes,
  ...metricsRoutes,
  ...monitoringRoutes,
  ...incidentRoutes,
  ...incidentActionRoutes,
  ...changeRoutes,
];
