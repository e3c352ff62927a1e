import { z } from 'zod';
import {
  businessContinuitySchema,
  encryptionControlSchema,
  incidentRunbookSchema,
  logRetentionClassSchema,
  vendorSchema,
} from '../schema/catalogs';
import { BUSINESS_CONTINUITY } from './businessContinuity';
import { ENCRYPTION_CONTROLS } from './encryption';
import { INCIDENT_RUNBOOK } from './incidentResponse';
import { LOG_RETENTION_CLASSES } from './logRetention';
import { VENDORS } from './vendors';

/** Deep freeze: a report section must never be able to alter the published catalog. */
function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Catalogs are validated when this module loads, so a typo fails the build's tests and the
 * function's cold start rather than showing up inside an evidence report.
 */
function parseCatalog<S extends z.ZodType>(name: string, schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new Error(`Catalog ${name} is invalid: ${z.prettifyError(result.error)}`);
  }
  return frozen(result.data);
}

const uniqueIds = <T extends { id: string }>(items: T[]) =>
  new Set(items.map((i) => i.id)).size === items.length;

export const CATALOGS = frozen({
  encryption: parseCatalog(
    'encryption',
    z.array(encryptionControlSchema).refine(uniqueIds, 'control ids must be unique'),
    ENCRYPTION_CONTROLS,
  ),
  vendors: parseCatalog(
    'vendors',
    z.array(vendorSchema).refine(uniqueIds, 'vendor ids must be unique'),
    VENDORS,
  ),
  incidentResponse: parseCatalog(
    'incidentResponse',
    incidentRunbookSchema.refine((r) => uniqueIds(r.procedures), 'procedure ids must be unique'),
    INCIDENT_RUNBOOK,
  ),
  businessContinuity: parseCatalog(
    'businessContinuity',
    businessContinuitySchema
      .refine(
        (b) => new Set(b.targets.map((t) => t.metric)).size === b.targets.length,
        'one target per metric',
      )
      .refine((b) => uniqueIds(b.backups), 'backup ids must be unique'),
    BUSINESS_CONTINUITY,
  ),
  logRetention: parseCatalog(
    'logRetention',
    z.array(logRetentionClassSchema).refine(uniqueIds, 'log retention class ids must be unique'),
    LOG_RETENTION_CLASSES,
  ),
});
export type Catalogs = typeof CATALOGS;
