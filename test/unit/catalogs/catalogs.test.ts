import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CATALOGS } from '../../../functions/catalogs';
import { DURATION_UNITS, INCIDENT_PHASES, SEVERITIES } from '../../../functions/schema/catalogs';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The day the register was last reviewed as a whole; the overdue flag must have real data then. */
const REGISTER_REVIEW_DAY = '2026-11-23';

/** Calendar months added to a YYYY-MM-DD date (the catalog keeps review days at 28 or less). */
function addMonths(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  const index = month - 1 + months;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${year + Math.floor(index / 12)}-${pad((index % 12) + 1)}-${pad(day)}`;
}

const duplicates = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

describe('encryption inventory', () => {
  it('lists at least 10 controls with unique ids', () => {
    expect(CATALOGS.encryption.length).toBeGreaterThanOrEqual(10);
    expect(duplicates(CATALOGS.encryption.map((c) => c.id))).toEqual([]);
  });

  it('covers data at rest and in transit, signing, hashing and ID tokens', () => {
    const algorithms = CATALOGS.encryption.map((c) => c.algorithm).join(' | ');
    for (const expected of ['AES-256', 'TLS 1.3', 'Ed25519', 'SHA-256', 'RS256', 'scrypt']) {
      expect(algorithms).toContain(expected);
    }
    const where = new Set(CATALOGS.encryption.map((c) => c.appliesTo));
    expect(where).toEqual(new Set(['at_rest', 'in_transit', 'both']));
  });

  it('names source modules of this repository that exist, or a platform component', () => {
    const missing = CATALOGS.encryption
      .map((c) => c.sourceModule)
      .filter((m) => !m.endsWith('(platform)') && !existsSync(path.join(REPO_ROOT, m)));
    expect(missing).toEqual([]);
  });
});

describe('vendor register', () => {
  it('lists at least 11 vendors with unique ids', () => {
    expect(CATALOGS.vendors.length).toBeGreaterThanOrEqual(11);
    expect(duplicates(CATALOGS.vendors.map((v) => v.id))).toEqual([]);
  });

  it.each(CATALOGS.vendors.map((v) => [v.id, v] as const))(
    '%s is next reviewed exactly its review interval after the last review',
    (_id, vendor) => {
      expect(vendor.nextReviewDate).toBe(
        addMonths(vendor.lastReviewDate, vendor.reviewIntervalMonths),
      );
    },
  );

  it('has a review overdue on the register review day, and most reviews not overdue', () => {
    const overdue = CATALOGS.vendors.filter((v) => v.nextReviewDate < REGISTER_REVIEW_DAY);
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.length).toBeLessThan(CATALOGS.vendors.length / 2);
  });

  it('reviews critical and high-risk vendors at least every 6 months', () => {
    const slow = CATALOGS.vendors.filter(
      (v) => (v.riskLevel === 'critical' || v.riskLevel === 'high') && v.reviewIntervalMonths > 6,
    );
    // GitHub and Google Workspace are high risk on an annual cycle by decision; pin the exceptions.
    expect(slow.map((v) => v.id).sort()).toEqual(['github', 'google-workspace']);
  });

  it('dates every current SOC 2 Type II report no later than the review that read it', () => {
    const undated = CATALOGS.vendors.filter(
      (v) =>
        v.soc2TypeII.status === 'current' &&
        (v.soc2TypeII.reportDate === null || v.soc2TypeII.reportDate > v.lastReviewDate),
    );
    expect(undated.map((v) => v.id)).toEqual([]);
  });
});

describe('incident response runbook', () => {
  it('defines response SLAs of exactly P1 15, P2 60, P3 240 and P4 1440 minutes', () => {
    const table = Object.fromEntries(
      CATALOGS.incidentResponse.severities.map((s) => [s.severity, s.responseSlaMinutes]),
    );
    expect(table).toEqual({ P1: 15, P2: 60, P3: 240, P4: 1440 });
    expect(CATALOGS.incidentResponse.severities.map((s) => s.severity)).toEqual([...SEVERITIES]);
  });

  it('has exactly 6 procedures with unique ids across exactly the 4 phases', () => {
    const { procedures } = CATALOGS.incidentResponse;
    expect(procedures).toHaveLength(6);
    expect(duplicates(procedures.map((p) => p.id))).toEqual([]);
    expect(new Set(procedures.map((p) => p.phase))).toEqual(new Set(INCIDENT_PHASES));
  });

  it('contains data breach and unauthorized access at P1, and service outage at P2', () => {
    const containment = CATALOGS.incidentResponse.procedures
      .filter((p) => p.phase === 'containment')
      .map((p) => [p.id, p.severity]);
    expect(containment).toEqual([
      ['containment-data-breach', 'P1'],
      ['containment-unauthorized-access', 'P1'],
      ['containment-service-outage', 'P2'],
    ]);
  });

  it("numbers each procedure's steps from 1 with SLAs that never go backwards", () => {
    for (const procedure of CATALOGS.incidentResponse.procedures) {
      expect(procedure.steps.map((s) => s.order)).toEqual(procedure.steps.map((_, i) => i + 1));
      const slas = procedure.steps.map((s) => s.slaMinutes);
      expect(slas).toEqual([...slas].sort((a, b) => a - b));
    }
  });

  it('starts containment of a P1 within the P1 response SLA', () => {
    for (const procedure of CATALOGS.incidentResponse.procedures.filter(
      (p) => p.severity === 'P1',
    )) {
      expect(procedure.steps[0].slaMinutes).toBeLessThanOrEqual(15);
    }
  });
});

describe('business continuity', () => {
  it('states RTO, RPO and MTTR once each, with a target, a current value and a unit', () => {
    const { targets } = CATALOGS.businessContinuity;
    expect(targets.map((t) => t.metric)).toEqual(['RTO', 'RPO', 'MTTR']);
    for (const t of targets) {
      expect(t.target).toBeGreaterThan(0);
      expect(t.current).toBeGreaterThanOrEqual(0);
      expect(DURATION_UNITS).toContain(t.unit);
    }
  });

  it('backs up the Firestore database, the evidence bundles and the Auth users', () => {
    const backedUp = CATALOGS.businessContinuity.backups.map((b) => b.dataType).join(' | ');
    for (const data of ['Firestore database', 'evidence bundles', 'Authentication users']) {
      expect(backedUp).toContain(data);
    }
    expect(duplicates(CATALOGS.businessContinuity.backups.map((b) => b.id))).toEqual([]);
  });

  it('keeps the evidence bundles at least as long as the security events they hold', () => {
    const bundles = CATALOGS.businessContinuity.backups.find((b) => b.id === 'evidence-bundles')!;
    expect([bundles.retention, bundles.retentionUnit]).toEqual([7, 'years']);
  });
});

describe('log retention classes', () => {
  it('keeps security events 7 years, access logs 2 years, application 90 days, debug 30 days', () => {
    expect(CATALOGS.logRetention.map((l) => [l.id, `${l.retention} ${l.retentionUnit}`])).toEqual([
      ['security-events', '7 years'],
      ['access-logs', '2 years'],
      ['application', '90 days'],
      ['debug', '30 days'],
    ]);
  });

  it('names where each class is stored', () => {
    for (const l of CATALOGS.logRetention) expect(l.storage.length).toBeGreaterThan(3);
  });

  it('refuses a class with an unknown unit, naming the field', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../functions/catalogs/logRetention', () => {
        const { LOG_RETENTION_CLASSES } = jest.requireActual(
          '../../../functions/catalogs/logRetention',
        );
        return {
          LOG_RETENTION_CLASSES: [
            { ...LOG_RETENTION_CLASSES[0], retentionUnit: 'decades' },
            ...LOG_RETENTION_CLASSES.slice(1),
          ],
        };
      });
      expect(() => jest.requireActual('../../../functions/catalogs')).toThrow(
        /Catalog logRetention is invalid[\s\S]*retentionUnit/,
      );
    });
  });
});

describe('catalog loading', () => {
  it('is frozen: a report cannot alter the published catalog', () => {
    expect(() => {
      (CATALOGS.vendors as unknown as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (CATALOGS.encryption[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });

  it('refuses to load a catalog with a typo, naming the catalog and the field', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../functions/catalogs/vendors', () => {
        const { VENDORS } = jest.requireActual('../../../functions/catalogs/vendors');
        return { VENDORS: [{ ...VENDORS[0], riskLevel: 'severe' }, ...VENDORS.slice(1)] };
      });
      expect(() => jest.requireActual('../../../functions/catalogs')).toThrow(
        /Catalog vendors is invalid[\s\S]*riskLevel/,
      );
    });
  });

  it('refuses duplicate ids', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../functions/catalogs/encryption', () => {
        const { ENCRYPTION_CONTROLS } = jest.requireActual(
          '../../../functions/catalogs/encryption',
        );
        return { ENCRYPTION_CONTROLS: [...ENCRYPTION_CONTROLS, ENCRYPTION_CONTROLS[0]] };
      });
      expect(() => jest.requireActual('../../../functions/catalogs')).toThrow(
        /control ids must be unique/,
      );
    });
  });
});
