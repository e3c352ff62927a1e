import { ValidationError } from '../../../functions/domain/errors';
import {
  BACKGROUND_SECTION_TIMEOUT_MS,
  buildReport,
  DEFAULT_SECTION_TIMEOUT_MS,
} from '../../../functions/report/buildReport';
import { SECTIONS, type SectionRegistry } from '../../../functions/report/registry';
import { evidenceReportSchema } from '../../../functions/schema/evidence';
import { SECTION_SLUG_LIST } from '../../../functions/schema/report';
import { unitDeps } from '../../support/deps';

const NOW = new Date('2026-11-23T12:00:00.000Z');

/**
 * No Firestore here: every section is replaced by one computing from in-memory data (its own
 * empty data), and some by faults. Deps that a section would need are absent on purpose.
 */
const deps = unitDeps({ now: () => NOW });

const offline = Object.fromEntries(
  Object.entries(SECTIONS).map(([key, def]) => [
    key,
    { ...def, compute: async () => def.empty(NOW as never) },
  ]),
) as unknown as SectionRegistry;

describe('report builder', () => {
  it('is complete when every section is ok, in report order', async () => {
    const report = await buildReport(deps, 'acct', { sectionOverrides: offline });
    expect(report.complete).toBe(true);
    expect(Object.keys(report.sections)).toEqual([
      'accessReview',
      'securityMetrics',
      'encryptionInventory',
      'vendorRegister',
      'incidentResponse',
      'complianceConfig',
      'dataResidency',
      'retentionPolicy',
      'auditLogSummary',
    ]);
    expect(evidenceReportSchema.safeParse(report).success).toBe(true);
  });

  it('degrades only the section that throws, with a safe message and empty data', async () => {
    const report = await buildReport(deps, 'acct', {
      sectionOverrides: {
        ...offline,
        vendorRegister: {
          ...SECTIONS.vendorRegister,
          compute: async () => {
            throw new Error('connection reset by 10.1.2.3 (internal detail)');
          },
        },
      },
    });
    expect(report.complete).toBe(false);
    const vendor = report.sections.vendorRegister!;
    expect(vendor.status).toBe('degraded');
    expect(vendor.error).toEqual({
      code: 'section_failed',
      message: 'The section could not be computed.',
    });
    expect(vendor.data).toEqual({
      total: 0,
      overdueReviews: 0,
      byRisk: expect.any(Object),
      vendors: [],
    });
    const others = Object.entries(report.sections).filter(([key]) => key !== 'vendorRegister');
    expect(others.every(([, s]) => s!.status === 'ok')).toBe(true);
    expect(evidenceReportSchema.safeParse(report).success).toBe(true);
  });

  it('degrades a section that outlives its timeout while the others finish', async () => {
    const report = await buildReport(deps, 'acct', {
      sectionTimeoutMs: 50,
      sectionOverrides: {
        ...offline,
        auditLogSummary: { ...SECTIONS.auditLogSummary, compute: () => new Promise(() => {}) },
      },
    });
    expect(report.sections.auditLogSummary).toMatchObject({
      status: 'degraded',
      error: { code: 'timeout', message: 'The section did not finish within 50 ms.' },
    });
    expect(report.sections.accessReview!.status).toBe('ok');
  });

  it('gives a section that declares its own budget that budget, not the default', async () => {
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(resolve, 200, value));
    const report = await buildReport(deps, 'acct', {
      sectionOverrides: {
        ...offline,
        accessReview: {
          ...offline.accessReview,
          compute: () => later(SECTIONS.accessReview.empty(NOW)),
          timeoutMs: 30_000,
        },
        vendorRegister: {
          ...offline.vendorRegister,
          compute: () => later(SECTIONS.vendorRegister.empty(NOW)),
          timeoutMs: 50,
        },
      },
    });
    expect(report.sections.accessReview!.status).toBe('ok');
    expect(report.sections.vendorRegister).toMatchObject({
      status: 'degraded',
      error: { code: 'timeout', message: 'The section did not finish within 50 ms.' },
    });
  });

  it('gives every section the budget a build off the request path asks for', async () => {
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(resolve, 200, value));
    const report = await buildReport(deps, 'acct', {
      sectionTimeoutMs: 30_000,
      sectionOverrides: {
        ...offline,
        vendorRegister: {
          ...offline.vendorRegister,
          compute: () => later(SECTIONS.vendorRegister.empty(NOW)),
          timeoutMs: 50,
        },
      },
    });
    expect(report.sections.vendorRegister!.status).toBe('ok');
    expect(BACKGROUND_SECTION_TIMEOUT_MS).toBeGreaterThan(SECTIONS.accessReview.timeoutMs!);
  });

  it('lets the access review, whose work grows with membership, run past the default budget', () => {
    expect(SECTIONS.accessReview.timeoutMs).toBeGreaterThan(DEFAULT_SECTION_TIMEOUT_MS);
    // It must still answer within the API's 60 s request timeout.
    expect(SECTIONS.accessReview.timeoutMs).toBeLessThan(60_000);
  });

  it('names a malformed settings document in the degraded sections that need it', async () => {
    const malformed = async () => {
      throw new ValidationError('accounts/acct/settings/compliance', [
        { path: 'retention.auditLogDays', message: 'expected number' },
      ]);
    };
    const report = await buildReport(deps, 'acct', {
      sections: ['retention-policy'],
      sectionOverrides: { retentionPolicy: { ...SECTIONS.retentionPolicy, compute: malformed } },
    });
    expect(report.sections.retentionPolicy).toMatchObject({
      status: 'degraded',
      error: {
        code: 'malformed_documents',
        message: expect.stringContaining('retention.auditLogDays'),
      },
      data: { source: 'unavailable' },
    });
  });

  it('marks a section degraded when documents behind it failed validation, keeping its data', async () => {
    const report = await buildReport(deps, 'acct', {
      sections: ['access-review'],
      sectionOverrides: {
        accessReview: {
          ...SECTIONS.accessReview,
          compute: async () => ({
            ...SECTIONS.accessReview.empty(NOW),
            malformedDocuments: [{ path: 'accounts/acct/members/x', problem: 'role: invalid' }],
          }),
        },
      },
    });
    const section = report.sections.accessReview!;
    expect(section.status).toBe('degraded');
    expect(section.error?.code).toBe('malformed_documents');
    expect(section.data.malformedDocuments).toHaveLength(1);
    expect(report.complete).toBe(false);
  });

  it('builds only the requested sections', async () => {
    const report = await buildReport(deps, 'acct', {
      sections: ['incident-response'],
      sectionOverrides: offline,
    });
    expect(Object.keys(report.sections)).toEqual(['incidentResponse']);
    expect(SECTION_SLUG_LIST).toHaveLength(9);
  });
});
