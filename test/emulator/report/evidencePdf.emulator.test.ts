import { SECTION_TITLES } from '../../../functions/schema/report';
import { tempDir } from '../../support/bundleZip';
import { readPdf } from '../../support/reportFixtures';
import {
  addMember,
  callApi,
  createAccount,
  idTokenFor,
  uniqueAccountId,
} from '../../support/world';

const dir = tempDir();

describe('GET /api/soc2-evidence?format=pdf', () => {
  let accountId: string;
  let auditorToken: string;
  let memberToken: string;
  const emails: string[] = [];

  beforeAll(async () => {
    accountId = await createAccount(uniqueAccountId('ev-pdf'), { name: 'Acme Ünïcode' });
    const people = await Promise.all([
      addMember(accountId, { role: 'owner', displayName: 'Zoë Łukasiewicz' }),
      addMember(accountId, { role: 'admin', displayName: '山田太郎' }),
      addMember(accountId, { role: 'auditor', displayName: 'Audrey Auditor' }),
      addMember(accountId, { role: 'member', displayName: 'Иван Петров' }),
    ]);
    emails.push(...people.map((p) => p.email));
    auditorToken = await idTokenFor(people[2].uid);
    memberToken = await idTokenFor(people[3].uid);
  });

  it('streams the whole live report as a PDF with every section and every member', async () => {
    const answer = await callApi('/soc2-evidence', {
      token: auditorToken,
      query: { accountId, format: 'pdf' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="${accountId}-soc2-evidence.pdf"`,
    );
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    const pdf = readPdf(answer.bytes, dir);
    for (const title of Object.values(SECTION_TITLES)) expect(pdf.text).toContain(title);
    for (const title of ['Control results', 'Findings', 'Incidents', 'How to verify']) {
      expect(pdf.text).toContain(title);
    }
    for (const email of emails) expect(pdf.text).toContain(email);
    for (const name of ['Zoë Łukasiewicz', '山田太郎', 'Иван Петров', 'Acme Ünïcode']) {
      expect(pdf.text).toContain(name);
    }
    expect(pdf.text).toContain('not signed');
    expect(pdf.pages).toBeGreaterThan(1);
    expect(pdf.text).toContain(`Page ${pdf.pages} of ${pdf.pages}`);
    for (const font of pdf.fonts) expect([font.embedded, font.subset]).toEqual(['yes', 'yes']);
  });

  it('one section is that section alone, named in the file name', async () => {
    const answer = await callApi('/soc2-evidence', {
      token: auditorToken,
      query: { accountId, format: 'pdf', section: 'access-review' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="${accountId}-access-review.pdf"`,
    );
    const pdf = readPdf(answer.bytes, dir);
    expect(pdf.text).toContain(SECTION_TITLES.accessReview);
    expect(pdf.text).not.toContain(SECTION_TITLES.vendorRegister);
    expect(pdf.text).not.toContain('Control results');
    for (const email of emails) expect(pdf.text).toContain(email);
  });

  it('a CSV table with format=pdf is a 400 that says why', async () => {
    const answer = await callApi('/soc2-evidence', {
      token: auditorToken,
      query: { accountId, format: 'pdf', section: 'access-review', table: 'members' },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('table requires format=csv');
  });

  it('an unknown format names the valid ones', async () => {
    const answer = await callApi('/soc2-evidence', {
      token: auditorToken,
      query: { accountId, format: 'docx' },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('format must be json, csv, pdf or oscal');
  });

  it('a member without audit:read gets 403 and no PDF; no token gets 401', async () => {
    const denied = await callApi('/soc2-evidence', {
      token: memberToken,
      query: { accountId, format: 'pdf' },
    });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ error: { code: 'permission_denied' } });
    const anonymous = await callApi('/soc2-evidence', { query: { accountId, format: 'pdf' } });
    expect(anonymous.status).toBe(401);
  });
});
