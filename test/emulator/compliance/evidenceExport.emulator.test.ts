import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROLS } from '../../../functions/compliance/controlCatalog';
import { EXPORT_CRITERIA } from '../../../functions/compliance/evidenceExport';
import { addDays, startOfUtcDay } from '../../../functions/domain/time';
import {
  accountWithEveryRole,
  addMember,
  callApi,
  createAccount,
  idTokenFor,
  uniqueAccountId,
} from '../../support/world';
import { oscalErrors } from '../../support/oscalSchema';
import { readPdf } from '../../support/reportFixtures';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'evidence-export-pdf-'));

/**
 * GET /api/compliance/evidence/export and GET /api/soc2-evidence?format=oscal over HTTP through
 * the Hosting emulator, with real ID tokens. One account, evaluated once (its owner and admin have
 * no MFA, so a high-severity automatic finding is open) with one incident.
 */

jest.setTimeout(60_000);

interface Oscal {
  'assessment-results': {
    results: {
      observations?: {
        props: { name: string; value: string }[];
        'relevant-evidence'?: { href: string; props?: { name: string; value: string }[] }[];
      }[];
      findings?: { target: { 'target-id': string } }[];
      risks?: { status: string }[];
    }[];
  };
}

interface ExportBody {
  criteria: string[];
  controls: { id: string }[];
  controlResults: { controlId: string; day: string }[];
  findings: { id: string; controlId: string }[];
  incidents: { title: string }[];
  report: { sections: Record<string, { status: string }> };
}

let accountId: string;
let tokens: Record<'owner' | 'auditor' | 'member', string>;
const periodStart = addDays(startOfUtcDay(new Date()), -1).toISOString();
const exportOf = (query: Record<string, string>, token = tokens.auditor) =>
  callApi('/compliance/evidence/export', {
    token,
    query: { accountId, periodStart, periodEnd: new Date().toISOString(), ...query },
  });
const controlsFor = (...criteria: string[]) =>
  CONTROLS.filter((c) => c.criteria.some((k) => criteria.includes(k))).map((c) => c.id);

beforeAll(async () => {
  const account = await accountWithEveryRole('exp');
  accountId = account.accountId;
  const { owner, auditor, member } = account.members;
  tokens = { owner: owner.token, auditor: auditor.token, member: member.token };
  const evaluated = await callApi('/compliance/evaluate', {
    method: 'POST',
    token: owner.token,
    body: { accountId },
  });
  expect(evaluated.status).toBe(200);
  const incident = await callApi('/compliance/incidents', {
    method: 'POST',
    token: owner.token,
    body: {
      accountId,
      title: 'Leaked key',
      severity: 'P2',
      description: 'A provider key was posted in a public channel.',
      detectedAt: new Date().toISOString(),
      detectedBy: 'secret scanner',
    },
  });
  expect(incident.status).toBe(201);
});

describe('evidence export by criteria', () => {
  it('gives an auditor the controls of the criteria, their daily results, findings, incidents and the sections they read', async () => {
    const answer = await exportOf({ criteria: 'CC6.1' });
    expect(answer.status).toBe(200);
    const body = answer.json as ExportBody;
    expect(body.criteria).toEqual(['CC6.1']);
    expect(body.controls.map((c) => c.id)).toEqual(controlsFor('CC6.1'));
    expect(new Set(body.controlResults.map((r) => r.controlId))).toEqual(
      new Set(controlsFor('CC6.1')),
    );
    expect(body.findings.map((f) => f.id)).toContain('auto-mfa-privileged-members-1');
    expect(body.findings.every((f) => controlsFor('CC6.1').includes(f.controlId))).toBe(true);
    expect(body.incidents.map((i) => i.title)).toEqual(['Leaked key']);
    expect(Object.keys(body.report.sections)).toEqual(['accessReview']);
  });

  it('reads the sections every selected control needs', async () => {
    const answer = await exportOf({ criteria: 'CC7.2,CC6.1' });
    expect(answer.status).toBe(200);
    const body = answer.json as ExportBody;
    expect(body.controls.map((c) => c.id)).toEqual(controlsFor('CC6.1', 'CC7.2'));
    expect(Object.keys(body.report.sections).sort()).toEqual([
      'accessReview',
      'auditLogSummary',
      'retentionPolicy',
    ]);
  });

  it('as CSV: one row per control and day', async () => {
    const json = (await exportOf({ criteria: 'CC6.1' })).json as ExportBody;
    const answer = await exportOf({ criteria: 'CC6.1', format: 'csv' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="${accountId}-evidence-CC6.1.csv"`,
    );
    const lines = answer.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^day,controlId,controlName,criteria,status,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(
      json.controlResults.map((r) => `${r.day},${r.controlId}`),
    );
  });

  it('as OSCAL: valid against the official schema, with the finding and its risk', async () => {
    const answer = await exportOf({ criteria: 'CC6.1', format: 'oscal' });
    expect(answer.status).toBe(200);
    const oscal = answer.json as Oscal;
    expect(oscalErrors(oscal)).toEqual([]);
    const [result] = oscal['assessment-results'].results;
    const observed = new Set(
      result.observations!.map((o) => o.props.find((p) => p.name === 'control-id')!.value),
    );
    expect(observed).toEqual(new Set(controlsFor('CC6.1')));
    expect(result.findings!.map((f) => f.target['target-id'])).toContain('mfa-privileged-members');
    expect(result.risks!.map((r) => r.status)).toContain('open');
  });

  it('as PDF: the controls with their daily results, the finding, the incident and the sections read', async () => {
    const answer = await callApi('/compliance/evidence/export', {
      token: tokens.auditor,
      query: {
        accountId,
        periodStart,
        periodEnd: new Date().toISOString(),
        criteria: 'CC6.1,CC7.2',
        format: 'pdf',
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="${accountId}-evidence-CC6.1_CC7.2.pdf"`,
    );
    const pdf = readPdf(answer.bytes, dir);
    const text = pdf.text.replace(/\s+/g, ' ');
    expect(text).toContain('SOC 2 evidence export');
    expect(text).toContain('Criteria CC6.1, CC7.2');
    for (const id of controlsFor('CC6.1', 'CC7.2')) expect(text).toContain(id);
    const unrelated = CONTROLS.filter((c) => !controlsFor('CC6.1', 'CC7.2').includes(c.id));
    for (const { id } of unrelated) expect(text).not.toContain(`${id}:`);
    for (const chapter of ['Control results', 'Findings', 'Incidents']) {
      expect(text).toContain(chapter);
    }
    expect(text).toContain('Leaked key');
    // The sections the controls read, and only those.
    for (const title of ['Access review', 'Audit log summary', 'Retention policy']) {
      expect(text).toContain(`${title} Status: ok`);
    }
    expect(text).not.toContain('Vendor register');
    expect(text).toContain('Security events 7 years');
    expect(pdf.pages).toBeGreaterThan(2);
    expect(pdf.text.split('\f').filter((p) => p.trim())).toHaveLength(pdf.pages);
    expect(pdf.text).toContain(`Page ${pdf.pages} of ${pdf.pages}`);
    expect(pdf.fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, ''))).toEqual(
      expect.arrayContaining(['DejaVuSans', 'DejaVuSans-Bold']),
    );
    for (const font of pdf.fonts) expect([font.embedded, font.subset]).toEqual(['yes', 'yes']);
  });

  it.each([
    [
      'unknown criteria',
      { criteria: 'CC6.1,CC9.9' },
      `criteria: unknown criteria CC9.9; valid criteria: ${EXPORT_CRITERIA.join(', ')}`,
    ],
    [
      'no criteria',
      { criteria: '' },
      `criteria: no criteria given; valid criteria: ${EXPORT_CRITERIA.join(', ')}`,
    ],
    [
      'an end before the start',
      { criteria: 'CC6.1', periodEnd: periodStart },
      'periodEnd: must be after periodStart',
    ],
    [
      'an end in the future',
      { criteria: 'CC6.1', periodEnd: addDays(new Date(), 2).toISOString() },
      'periodEnd: must not be in the future',
    ],
    [
      'an unknown format',
      { criteria: 'CC6.1', format: 'docx' },
      'format: format must be one of json, csv, pdf, oscal',
    ],
  ])('refuses %s with a 400 that says why', async (_what, query, message) => {
    const answer = await exportOf(query);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 'invalid_argument', message } });
  });

  it('refuses a caller without audit:read, an outsider and a missing token', async () => {
    const member = await exportOf({ criteria: 'CC6.1' }, tokens.member);
    expect(member.status).toBe(403);
    const other = await createAccount(uniqueAccountId('exp-other'));
    const outsider = await addMember(other, { role: 'owner' });
    const foreign = await exportOf({ criteria: 'CC9.9' }, await idTokenFor(outsider.uid));
    expect(foreign.status).toBe(403);
    expect(foreign.json).toMatchObject({ error: { code: 'permission_denied' } });
    const anonymous = await callApi('/compliance/evidence/export', {
      query: { accountId, criteria: 'CC6.1', periodStart, periodEnd: new Date().toISOString() },
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('access reviews and evidence items in the export', () => {
  const pdfBytes = new TextEncoder().encode('%PDF-1.4 penetration test report');
  let reviewTitle: string;
  let itemId: string;

  beforeAll(async () => {
    reviewTitle = `Quarterly access review ${accountId}`;
    const review = await callApi('/access-reviews', {
      method: 'POST',
      token: tokens.owner,
      body: {
        accountId,
        title: reviewTitle,
        dueDate: addDays(new Date(), 14).toISOString().slice(0, 10),
      },
    });
    expect(review.status).toBe(201);
    const item = await callApi('/evidence-items', {
      method: 'POST',
      token: tokens.owner,
      body: {
        accountId,
        title: 'Security awareness training records',
        criteria: ['CC2.1'],
        effectiveAt: periodStart,
        fileName: 'training.pdf',
        contentType: 'application/pdf',
      },
    });
    expect(item.status).toBe(201);
    itemId = (item.json as { id: string }).id;
    const stored = await callApi(`/evidence-items/${itemId}/content`, {
      method: 'PUT',
      token: tokens.owner,
      query: { accountId },
      headers: { 'content-type': 'application/pdf' },
      raw: pdfBytes,
    });
    expect(stored.status).toBe(200);
  });

  it('carries the campaigns when a selected control rests on them, and the items naming the criteria', async () => {
    const answer = await exportOf({ criteria: 'CC6.2,CC2.1' });
    expect(answer.status).toBe(200);
    const body = answer.json as {
      accessReviews: { accessReviews: { title: string; entries: unknown[] }[] } | null;
      evidenceItems: { items: { id: string; sha256: string; size: number }[] };
    };
    expect(body.accessReviews!.accessReviews.map((r) => r.title)).toEqual([reviewTitle]);
    expect(body.accessReviews!.accessReviews[0].entries.length).toBeGreaterThan(0);
    expect(body.evidenceItems.items).toEqual([
      expect.objectContaining({ id: itemId, sha256: sha256Hex(pdfBytes), size: pdfBytes.length }),
    ]);
  });

  it('leaves both out when the criteria do not reach them', async () => {
    const answer = await exportOf({ criteria: 'CC7.2' });
    expect(answer.status).toBe(200);
    const body = answer.json as { accessReviews: unknown; evidenceItems: { items: unknown[] } };
    expect(body.accessReviews).toBeNull();
    expect(body.evidenceItems.items).toEqual([]);
  });

  it('as PDF: an access reviews chapter with the campaign and an evidence items chapter with the hash', async () => {
    const answer = await exportOf({ criteria: 'CC6.2,CC2.1', format: 'pdf' });
    expect(answer.status).toBe(200);
    const text = readPdf(answer.bytes, dir).text.replace(/\s+/g, ' ');
    expect(text).toContain('Access reviews');
    expect(text).toContain(reviewTitle);
    // The title wraps inside its table cell; the file name and hash are on their own lines.
    expect(text).toContain('Evidence items');
    expect(text).toMatch(/Security awareness CC2\.1 \d{4}-\d{2}-\d{2} never training\.pdf/);
    expect(text).toContain(sha256Hex(pdfBytes));
  });
});

describe('the live report as OSCAL', () => {
  it('is valid OSCAL with one observation per control, citing the sections it read by their hash', async () => {
    const answer = await callApi('/soc2-evidence', {
      token: tokens.auditor,
      query: { accountId, format: 'oscal' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="${accountId}-assessment-results.json"`,
    );
    const oscal = answer.json as Oscal;
    expect(oscalErrors(oscal)).toEqual([]);
    const [result] = oscal['assessment-results'].results;
    expect(result.observations).toHaveLength(CONTROLS.length);
    const mfa = result.observations!.find((o) =>
      o.props.some((p) => p.name === 'control-id' && p.value === 'mfa-privileged-members'),
    )!;
    expect(mfa['relevant-evidence']![0].href).toBe(
      `/api/soc2-evidence?accountId=${accountId}&section=access-review`,
    );
    expect(mfa['relevant-evidence']![0].props![0].value).toMatch(/^[0-9a-f]{64}$/);
    expect(result.findings!.map((f) => f.target['target-id'])).toContain('mfa-privileged-members');
  });

  it('refuses format=oscal with a section', async () => {
    const answer = await callApi('/soc2-evidence', {
      token: tokens.auditor,
      query: { accountId, format: 'oscal', section: 'access-review' },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: { message: 'section: format=oscal covers the whole report; omit section' },
    });
  });

  it('is refused to a member without audit:read', async () => {
    const answer = await callApi('/soc2-evidence', {
      token: tokens.member,
      query: { accountId, format: 'oscal' },
    });
    expect(answer.status).toBe(403);
  });
});
