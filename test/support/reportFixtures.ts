import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { levelOf, permissionsOf } from '../../functions/domain/roles';
import { CATALOGS } from '../../functions/catalogs';
import { SECTIONS } from '../../functions/report/registry';
import { computeEncryptionInventory } from '../../functions/report/sections/encryptionInventory';
import { computeIncidentResponse } from '../../functions/report/sections/incidentResponse';
import { computeRetentionPolicy } from '../../functions/report/sections/retentionPolicy';
import { computeVendorRegister } from '../../functions/report/sections/vendorRegister';
import type { AccessReviewMember, EvidenceReport } from '../../functions/schema/evidence';
import { REPORT_VERSION, SECTION_SLUGS, type SectionKey } from '../../functions/schema/report';
import type { Role } from '../../functions/domain/roles';

/** A whole evidence report from the sections' safe data, with the catalogs and given members. */
export function sampleReport(
  accountId: string,
  members: readonly { uid: string; email: string; displayName: string; role: Role }[] = [],
  asOf = new Date('2026-10-01T00:00:00.000Z'),
): EvidenceReport {
  // The catalogs as deployed; every other section starts from its safe empty data.
  const catalogs: Partial<Record<SectionKey, unknown>> = {
    encryptionInventory: computeEncryptionInventory(CATALOGS.encryption),
    vendorRegister: computeVendorRegister(CATALOGS.vendors, asOf),
    incidentResponse: computeIncidentResponse(
      CATALOGS.incidentResponse,
      CATALOGS.businessContinuity,
    ),
    retentionPolicy: computeRetentionPolicy(undefined, CATALOGS.logRetention),
  };
  const sections = Object.fromEntries(
    (Object.values(SECTION_SLUGS) as SectionKey[]).map((key) => [
      key,
      {
        status: 'ok',
        generatedAt: asOf.toISOString(),
        data: catalogs[key] ?? SECTIONS[key].empty(asOf),
      },
    ]),
  ) as EvidenceReport['sections'];
  const access = sections.accessReview!.data;
  access.members = members.map((m): AccessReviewMember => ({
    ...m,
    level: levelOf(m.role),
    departments: [{ id: 'eng', name: 'Engineering' }],
    permissions: [...permissionsOf(m.role)],
    resourceAccess: { recipes: 2, workflows: 1 },
    lastActiveAt: asOf.toISOString(),
    membershipDisabled: false,
    identity: null,
    flags: ['auth_user_missing'],
  }));
  access.totals.members = members.length;
  return {
    version: REPORT_VERSION,
    accountId,
    generatedAt: asOf.toISOString(),
    complete: true,
    sections,
  };
}

/** Members in several scripts, as the PDF must render them. */
export const INTERNATIONAL_MEMBERS = [
  {
    uid: 'u-zoe',
    email: 'zoe.lukasiewicz@example.com',
    displayName: 'Zoë Łukasiewicz',
    role: 'owner',
  },
  { uid: 'u-yamada', email: 'taro.yamada@example.jp', displayName: '山田太郎', role: 'admin' },
  {
    uid: 'u-greek',
    email: 'office@fine.example',
    displayName: 'Σωκράτης Παπαδόπουλος',
    role: 'auditor',
  },
  { uid: 'u-cyr', email: 'ivan@example.ru', displayName: 'Иван Петров', role: 'member' },
] as const satisfies readonly { uid: string; email: string; displayName: string; role: Role }[];

/**
 * What poppler reads back from a PDF: its text (`pdftotext -layout`: a table row stays on one
 * line), its `pdfinfo` fields and its `pdffonts` table.
 */
export function readPdf(pdf: Buffer, dir: string) {
  const path = join(dir, 'read.pdf');
  writeFileSync(path, pdf);
  const run = (command: string, ...args: string[]) =>
    execFileSync(command, [...args, path, ...(command === 'pdftotext' ? ['-'] : [])], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
  const info = Object.fromEntries(
    run('pdfinfo')
      .split('\n')
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .flatMap((m) => (m ? [[m[1], m[2]]] : [])),
  );
  const fonts = run('pdffonts')
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((line) => {
      const cells = line.trim().split(/\s+/);
      // name, type words…, encoding, emb, sub, uni, object, generation
      return { name: cells[0], embedded: cells[cells.length - 5], subset: cells[cells.length - 4] };
    });
  return { text: run('pdftotext', '-layout'), pages: Number(info.Pages), info, fonts };
}
