import { CATALOGS } from '../catalogs';
import type { SectionDataMap } from '../schema/evidence';
import type { SectionKey } from '../schema/report';
import { computeAccessReview, emptyAccessReview } from './sections/accessReview';
import { computeComplianceConfig, emptyComplianceConfig } from './sections/complianceConfig';
import { computeDataResidency, emptyDataResidency } from './sections/dataResidency';
import { computeEncryptionInventory } from './sections/encryptionInventory';
import { computeIncidentResponse, emptyIncidentResponse } from './sections/incidentResponse';
import { computeRetentionPolicy, emptyRetentionPolicy } from './sections/retentionPolicy';
import { computeSecurityMetrics, emptySecurityMetrics } from './sections/securityMetrics';
import { computeVendorRegister } from './sections/vendorRegister';
import type { ReportSources } from './sources';
import { REPORT_WINDOW_DAYS, windowStartOf } from './types';

/** How one section is produced: its live computation, and the safe data it shows when degraded. */
export interface SectionDefinition<K extends SectionKey> {
  compute(sources: ReportSources): Promise<SectionDataMap[K]>;
  empty(asOf: Date): SectionDataMap[K];
  /** Stored documents behind this data that failed their schema (the section is then degraded). */
  malformedCount(data: SectionDataMap[K]): number;
  /** This section's time budget when it is not the report's default (buildReport.ts). */
  timeoutMs?: number;
}

/**
 * The access review reads every member and looks each up in Firebase Auth: its time grows with
 * membership (50,000 members took about 40 s on the local stack), unlike the other sections'.
 * Its budget still ends before the API's 60 s request timeout (Hosting's, in production), so a
 * slower build answers degraded rather than not at all.
 */
export const ACCESS_REVIEW_TIMEOUT_MS = 45_000;

export type SectionRegistry = { [K in SectionKey]: SectionDefinition<K> };

const listedMalformed = (data: { malformedDocuments: readonly unknown[] }) =>
  data.malformedDocuments.length;
const noDocuments = () => 0;

/** The nine sections (CONTRACT §4). Reads go through ReportSources; the math is in sections/. */
export const SECTIONS: SectionRegistry = {
  accessReview: {
    async compute(sources) {
      const [members, departments, resources, apiKeys, changes] = await Promise.all([
        sources.members(),
        sources.departments(),
        sources.resources(),
        sources.apiKeys(),
        sources.accessChanges(),
      ]);
      const identities = await sources.identities(members.docs.map((m) => m.id));
      return computeAccessReview({
        members,
        departments,
        resources,
        apiKeys,
        identities,
        recentAccessChanges: changes,
        now: sources.asOf,
      });
    },
    empty: emptyAccessReview,
    malformedCount: listedMalformed,
    timeoutMs: ACCESS_REVIEW_TIMEOUT_MS,
  },
  securityMetrics: {
    async compute(sources) {
      const [securityEvents, blockedIps, apiKeys] = await Promise.all([
        sources.securityEvents(),
        sources.blockedIps(),
        sources.apiKeys(),
      ]);
      return computeSecurityMetrics({ securityEvents, blockedIps, apiKeys, now: sources.asOf });
    },
    empty: emptySecurityMetrics,
    malformedCount: listedMalformed,
  },
  encryptionInventory: {
    compute: async () => computeEncryptionInventory(CATALOGS.encryption),
    empty: () => computeEncryptionInventory([]),
    malformedCount: noDocuments,
  },
  vendorRegister: {
    compute: async (sources) => computeVendorRegister(CATALOGS.vendors, sources.asOf),
    empty: (asOf) => computeVendorRegister([], asOf),
    malformedCount: noDocuments,
  },
  incidentResponse: {
    compute: async () =>
      computeIncidentResponse(CATALOGS.incidentResponse, CATALOGS.businessContinuity),
    empty: emptyIncidentResponse,
    malformedCount: noDocuments,
  },
  complianceConfig: {
    compute: async (sources) => computeComplianceConfig(await sources.complianceSettings()),
    empty: emptyComplianceConfig,
    malformedCount: noDocuments,
  },
  dataResidency: {
    compute: async (sources) => computeDataResidency(await sources.complianceSettings()),
    empty: emptyDataResidency,
    malformedCount: noDocuments,
  },
  retentionPolicy: {
    compute: async (sources) =>
      computeRetentionPolicy(await sources.complianceSettings(), CATALOGS.logRetention),
    empty: emptyRetentionPolicy,
    malformedCount: noDocuments,
  },
  auditLogSummary: {
    compute: (sources) => sources.auditLogSummary(REPORT_WINDOW_DAYS),
    empty: (asOf) => ({
      windowDays: REPORT_WINDOW_DAYS,
      windowStart: windowStartOf(asOf).toISOString(),
      windowEnd: asOf.toISOString(),
      total: 0,
      byAction: {},
      byResult: {},
      malformed: 0,
      topActors: [],
      approximateTopActors: false,
      actorsOverflow: 0,
      malformedRollups: 0,
      source: 'rollups',
      // Nothing was read: complete up to the window's start only.
      asOf: windowStartOf(asOf).toISOString(),
      documentReads: 0,
    }),
    // Malformed events are counted by the rollups; malformed rollup shards are left out.
    malformedCount: (data) => data.malformed + data.malformedRollups,
  },
};
