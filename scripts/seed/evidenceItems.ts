/**
 * The demo account's evidence items (CONTRACT §10): a penetration test, a quarterly scan, a signed
 * policy, a risk assessment and last year's training records, which have expired — each stored
 * in the Storage emulator with the SHA-256 and size the API would have recorded. File contents
 * do not depend on the clock, so a rerun finds the same bytes already written.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ObjectExistsError, type EvidenceStore } from '../../functions/adapters/storage';
import { evidenceItemObjectPath } from '../../functions/compliance/evidenceItems';
import { DAY_MS } from '../../functions/domain/time';
import type { EvidenceItemDoc } from '../../functions/schema/evidenceItems';
import { accountDocPath } from '../../functions/schema/paths';
import type { SeedDoc } from './builders';

interface EvidenceItemSpec {
  id: string;
  title: string;
  kind: NonNullable<EvidenceItemDoc['kind']>;
  criteria: string[];
  effectiveDaysAgo: number;
  /** Negative: in the future. */
  expiresDaysAgo?: number;
  fileName: string;
  content: string;
}

export const DEMO_EVIDENCE_ITEMS: readonly EvidenceItemSpec[] = [
  {
    id: 'pentest-2026',
    title: 'External penetration test (Northwind Security)',
    kind: 'penetration_test',
    criteria: ['CC4.1', 'CC7.1'],
    effectiveDaysAgo: 120,
    expiresDaysAgo: -245,
    fileName: 'northwind-pentest-report.txt',
    content:
      'Penetration test report (demo)\nScope: api.acme-robotics.example, portal\nFindings: 0 critical, 1 high (fixed), 3 medium\n',
  },
  {
    id: 'vuln-scan-latest',
    title: 'Quarterly vulnerability scan',
    kind: 'vulnerability_scan',
    criteria: ['CC7.1'],
    effectiveDaysAgo: 20,
    fileName: 'scan-summary.csv',
    content: 'host,critical,high,medium\napi,0,0,2\nportal,0,1,1\n',
  },
  {
    id: 'infosec-policy-v3',
    title: 'Information security policy v3, signed by the CEO',
    kind: 'information_security_policy',
    criteria: ['CC1.1'],
    effectiveDaysAgo: 60,
    fileName: 'information-security-policy-v3.txt',
    content: 'Information security policy v3 (demo)\nApproved and signed: Maria Chen, CEO\n',
  },
  {
    id: 'risk-assessment-2026',
    title: 'Annual risk assessment',
    kind: 'risk_assessment',
    criteria: ['CC3.1'],
    effectiveDaysAgo: 200,
    fileName: 'risk-register.csv',
    content: 'risk,likelihood,impact,owner\nLeaked provider key,medium,high,security\n',
  },
  {
    id: 'training-previous-year',
    title: 'Security awareness training records (previous year)',
    kind: 'security_awareness_training',
    criteria: ['CC2.1'],
    effectiveDaysAgo: 420,
    expiresDaysAgo: 55,
    fileName: 'training-completions.csv',
    content: 'member,completed\nmaria.chen,yes\ndev.patel,yes\n',
  },
];

export interface PlannedEvidenceItems {
  docs: SeedDoc[];
  files: { objectPath: string; contentType: string; bytes: Buffer }[];
}

const contentTypeOf = (fileName: string) => (fileName.endsWith('.csv') ? 'text/csv' : 'text/plain');

/** The item documents, stored as `createdBy` a day after their effective date, and their files. */
export function planEvidenceItems(
  accountId: string,
  createdBy: string,
  now: Date,
): PlannedEvidenceItems {
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const planned: PlannedEvidenceItems = { docs: [], files: [] };
  for (const spec of DEMO_EVIDENCE_ITEMS) {
    const bytes = Buffer.from(spec.content, 'utf8');
    const objectPath = evidenceItemObjectPath(accountId, spec.id, spec.fileName);
    const contentType = contentTypeOf(spec.fileName);
    const uploadedAt = daysAgo(Math.max(0, spec.effectiveDaysAgo - 1));
    const data: EvidenceItemDoc = {
      title: spec.title,
      criteria: spec.criteria,
      kind: spec.kind,
      effectiveAt: daysAgo(spec.effectiveDaysAgo),
      expiresAt: spec.expiresDaysAgo === undefined ? null : daysAgo(spec.expiresDaysAgo),
      fileName: spec.fileName,
      contentType,
      objectPath,
      createdAt: uploadedAt,
      createdBy,
      state: 'stored',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      storedAt: uploadedAt,
      storedBy: createdBy,
    };
    planned.docs.push({ path: accountDocPath(accountId, 'evidenceItems', spec.id), data });
    planned.files.push({ objectPath, contentType, bytes });
  }
  return planned;
}

/** Writes each file once; one already there from an earlier seeding holds the same bytes. */
export async function storeEvidenceFiles(
  store: EvidenceStore,
  files: PlannedEvidenceItems['files'],
): Promise<void> {
  for (const file of files) {
    try {
      await store.writeOnce(file.objectPath, file.contentType, Readable.from([file.bytes]));
    } catch (error) {
      if (!(error instanceof ObjectExistsError)) throw error;
    }
  }
}
