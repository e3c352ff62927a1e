import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CATALOGS } from '../../../../functions/catalogs';
import {
  applyDecision,
  entryView,
  followUpAfterCheck,
  frozenEntry,
  reviewView,
} from '../../../../functions/accessReviews/entries';
import { CONTROLS } from '../../../../functions/compliance/controlCatalog';
import { fontRuns } from '../../../../functions/report/pdf/fonts';
import {
  renderReportPdf,
  reportPdfStream,
  type ReportPdfInput,
} from '../../../../functions/report/pdf/reportPdf';
import { SECTION_TITLES } from '../../../../functions/schema/report';
import { frozenMember } from '../../../support/accessReviewFixtures';
import { QUARTER, sampleCompliance } from '../../../support/bundleZip';
import { INTERNATIONAL_MEMBERS, readPdf, sampleReport } from '../../../support/reportFixtures';

const dir = mkdtempSync(join(tmpdir(), 'report-pdf-'));

async function pdfOf(input: ReportPdfInput): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of reportPdfStream(input)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const MERKLE_ROOT = 'ab'.repeat(32);
const REPORT_SHA = 'cd'.repeat(32);

async function bundleInput(
  members: Parameters<typeof sampleReport>[1] = INTERNATIONAL_MEMBERS,
): Promise<ReportPdfInput> {
  return {
    report: sampleReport('acme', members),
    accountName: 'Acme GmbH',
    cover: {
      kind: 'bundle',
      period: {
        id: QUARTER.id,
        start: QUARTER.start.toISOString(),
        end: QUARTER.end.toISOString(),
      },
      keyId: 'local-1234abcd',
      eventCount: 1234,
      malformedEventCount: 1,
      merkleRoot: MERKLE_ROOT,
      previousManifestSha256: null,
      files: [{ name: 'report.json', sha256: REPORT_SHA }],
    },
    compliance: sampleCompliance(QUARTER),
    howToVerify: 'Verify with plain openssl\nopenssl pkeyutl -verify -pubin -inkey key.pem',
  };
}

/** pdftotext keeps each drawn line; joining runs of whitespace makes matching robust to layout. */
const squash = (s: string) => s.replace(/\s+/g, ' ');

describe('report PDF', () => {
  let read: ReturnType<typeof readPdf>;
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await pdfOf(await bundleInput());
    read = readPdf(pdf, dir);
  });

  it('names in Latin, Polish, Greek, Cyrillic and Japanese read back exactly', () => {
    for (const m of INTERNATIONAL_MEMBERS) {
      expect(read.text).toContain(m.displayName);
      expect(read.text).toContain(m.email);
    }
  });

  it('has a title per section, control results, findings, incidents and how to verify', () => {
    for (const title of Object.values(SECTION_TITLES)) expect(read.text).toContain(title);
    for (const title of ['Contents', 'Control results', 'Findings', 'Incidents', 'How to verify']) {
      expect(read.text).toContain(title);
    }
    for (const control of CONTROLS) expect(read.text).toContain(control.id);
    expect(read.text).toContain('openssl pkeyutl -verify');
  });

  it('the cover states account, period, key id, Merkle root, event count and report.json hash', () => {
    const cover = squash(read.text.split('\f')[0]);
    for (const fact of [
      'Acme GmbH (acme)',
      '2026-Q3',
      'local-1234abcd',
      MERKLE_ROOT,
      REPORT_SHA,
      '1234',
    ]) {
      expect(cover).toContain(fact);
    }
    expect(cover).toContain('cannot print the manifest’s own hash');
  });

  it('numbers every page "Page N of M" and heads it with the account and period', () => {
    const pages = read.text.split('\f').filter((p) => p.trim());
    expect(read.pages).toBeGreaterThan(1);
    expect(pages).toHaveLength(read.pages);
    pages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${read.pages}`);
      expect(page).toContain('SOC 2 evidence report · Acme GmbH (acme) · 2026-Q3');
    });
  });

  it('lists each section in the contents with its status and the page it starts on', () => {
    const pages = read.text.split('\f');
    const contents = pages[1];
    const title = SECTION_TITLES.vendorRegister;
    const line = contents.split('\n').find((l) => l.trim().startsWith(title))!;
    const page = Number(/(\d+)\s*$/.exec(line)![1]);
    expect(line).toContain('ok');
    expect(squash(pages[page - 1])).toContain(`${title} Status: ok`);
  });

  it('embeds its fonts as subsets', () => {
    expect(read.fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual([
      'DejaVuSans',
      'DejaVuSans-Bold',
      'NotoSansJP-Regular',
    ]);
    for (const font of read.fonts) expect([font.embedded, font.subset]).toEqual(['yes', 'yes']);
  });

  it('prints the continuity targets, the backup strategy and the log retention classes', () => {
    const text = squash(read.text);
    for (const heading of [
      'Business continuity targets',
      'Backup strategy',
      'Log retention classes',
    ]) {
      expect(text).toContain(heading);
    }
    for (const t of CATALOGS.businessContinuity.targets) {
      expect(text).toContain(`${t.metric}: ${t.name}`);
    }
    expect(text).toMatch(/RTO: Recovery time objective 4 hours 2\.5 hours yes/);
    for (const b of CATALOGS.businessContinuity.backups) {
      expect(text).toContain(b.dataType.split(' ').slice(0, 2).join(' '));
    }
    for (const [name, keptFor] of [
      ['Security events', '7 years'],
      ['Access logs', '2 years'],
      ['Application logs', '90 days'],
      ['Debug logs', '30 days'],
    ]) {
      expect(text).toContain(`${name} ${keptFor}`);
    }
  });

  it('renders the same bytes from the same report', async () => {
    expect((await pdfOf(await bundleInput())).equals(pdf)).toBe(true);
  });

  it('marks a degraded section with its error', async () => {
    const input = await bundleInput();
    input.report.sections.securityMetrics = {
      ...input.report.sections.securityMetrics!,
      status: 'degraded',
      error: { code: 'timeout', message: 'The section did not finish within 10000 ms.' },
    };
    const degraded = readPdf(await pdfOf(input), dir).text;
    expect(degraded).toContain('Status: degraded');
    expect(degraded).toContain('timeout: The section did not finish within 10000 ms.');
  });

  it('a live one-section copy says it is not signed and leaves the period chapters out', async () => {
    const full = await bundleInput();
    const live = readPdf(
      await pdfOf({
        report: { ...full.report, sections: { accessReview: full.report.sections.accessReview } },
        cover: { kind: 'live', keyId: 'local-1234abcd' },
        howToVerify: 'Bundles are signed.',
      }),
      dir,
    ).text;
    expect(squash(live)).toContain(
      'none: a live copy. Quarterly bundles are signed with key local-1234abcd',
    );
    expect(live).toContain('Zoë Łukasiewicz');
    expect(live).not.toContain(SECTION_TITLES.vendorRegister);
    expect(live).not.toContain('Control results');
  });

  it('a table of thousands of members spans pages with its header repeated, every email on it', async () => {
    const members = Array.from({ length: 1200 }, (_, i) => ({
      uid: `u${i}`,
      email: `member.${i}@a-rather-long-domain-name-for-testing.example.com`,
      displayName: `Member ${i}`,
      role: 'member' as const,
    }));
    const big = readPdf(await pdfOf(await bundleInput(members)), dir);
    expect(big.pages).toBeGreaterThan(20);
    for (const m of members) expect(big.text).toContain(m.email);
    const memberPages = big.text
      .split('\f')
      .filter((p) => p.includes('member.1199@') || p.includes('member.600@'));
    for (const page of memberPages) expect(page).toContain('Email');
  });

  it('waits for a slow destination instead of buffering the document', async () => {
    let written = 0;
    let maxPending = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        maxPending = Math.max(maxPending, slow.writableLength);
        setTimeout(done, 1);
      },
    });
    const members = Array.from({ length: 600 }, (_, i) => ({
      uid: `u${i}`,
      email: `m${i}@example.com`,
      displayName: `Member ${i}`,
      role: 'member' as const,
    }));
    const { pages } = await renderReportPdf(await bundleInput(members), slow);
    expect(pages).toBeGreaterThan(10);
    // Fonts are written at the end in one piece; pages before them never pile up beyond a few.
    expect(maxPending).toBeLessThan(written / 4);
  });
});

describe('font runs', () => {
  it('splits a name across DejaVu and Noto Sans JP where the glyphs are', () => {
    expect(fontRuns('Zoë 山田 Taro')).toEqual([
      { face: 'regular', text: 'Zoë ' },
      { face: 'cjk', text: '山田 ' },
      { face: 'regular', text: 'Taro' },
    ]);
    expect(fontRuns('Łukasiewicz', true)).toEqual([{ face: 'bold', text: 'Łukasiewicz' }]);
  });

  it('keeps a character neither font has in DejaVu', () => {
    expect(fontRuns('\u{1F600}')).toEqual([{ face: 'regular', text: '\u{1F600}' }]);
  });
});

describe('report PDF access reviews', () => {
  it('has a chapter with each campaign, its sign-off, every decision and its follow-up', async () => {
    const at = new Date('2026-08-10T09:00:00Z');
    const subject = { ...frozenMember('leaver'), email: 'leaver@example.test' };
    const revoked = applyDecision(
      frozenEntry('acme', 'q3', subject),
      { decision: 'revoke', justification: 'Left the company in August.' },
      { uid: 'reviewer-1' },
      at,
    );
    const followed = {
      ...revoked,
      followUp: followUpAfterCheck(null, revoked.decision!, undefined, new Date('2026-08-20Z')),
    };
    const review = reviewView(
      'q3',
      {
        title: 'Q3 access review',
        dueDate: '2026-09-30',
        state: 'signed_off',
        createdAt: at,
        createdBy: 'admin-1',
        entryCount: 1,
        undecided: 0,
        apiKeys: sampleReport('acme').sections.accessReview!.data.apiKeys,
        malformedDocuments: [],
        signOff: {
          signedOffBy: 'owner-1',
          signedOffAt: new Date('2026-08-15T12:00:00Z'),
          statement: 'Quarterly review complete.',
        },
        followUp: { outstanding: 0, remediated: 1 },
      },
      at,
    );
    const input: ReportPdfInput = {
      ...(await bundleInput()),
      accessReviews: {
        periodStart: QUARTER.start.toISOString(),
        periodEnd: QUARTER.end.toISOString(),
        accessReviews: [{ ...review, entries: [entryView(followed)] }],
        malformed: [],
      },
    };
    const text = squash(readPdf(await pdfOf(input), dir).text);
    expect(text).toContain('Access reviews');
    expect(text).toContain('Q3 access review');
    expect(text).toContain(
      'Signed off 2026-08-15 12:00 UTC by owner-1: Quarterly review complete.',
    );
    expect(text).toMatch(/leaver@example\.test .*revoke .*Left the company in August\./);
    expect(text).toContain('remediated 2026-08-20 00:00 UTC');
  });
});
