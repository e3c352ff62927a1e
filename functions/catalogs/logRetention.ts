import type { z } from 'zod';
import type { logRetentionClassSchema } from '../schema/catalogs';

/**
 * How long each class of log is kept, from the longest to the shortest. Security events outlive
 * several SOC 2 observation periods (7 years); debug logs hold request detail and go soonest.
 */
export const LOG_RETENTION_CLASSES: z.input<typeof logRetentionClassSchema>[] = [
  {
    id: 'security-events',
    name: 'Security events',
    contents:
      'Failed sign-ins, blocked IPs, usage spike alerts, role, member and API key changes, Cloud Audit Logs admin activity',
    retention: 7,
    retentionUnit: 'years',
    storage:
      'Cloud Logging bucket security-events with a locked retention policy; the signed quarterly evidence bundles',
  },
  {
    id: 'access-logs',
    name: 'Access logs',
    contents:
      'API requests (caller, account, route, result), Hosting request logs, Cloud Audit Logs data access',
    retention: 2,
    retentionUnit: 'years',
    storage: 'Cloud Logging bucket access-logs with a locked retention policy',
  },
  {
    id: 'application',
    name: 'Application logs',
    contents: 'Function logs at INFO and above: job runs, report builds, warnings and errors',
    retention: 90,
    retentionUnit: 'days',
    storage: 'Cloud Logging bucket application',
  },
  {
    id: 'debug',
    name: 'Debug logs',
    contents: 'DEBUG-level function logs and request traces',
    retention: 30,
    retentionUnit: 'days',
    storage: 'Cloud Logging _Default bucket',
  },
];
