/**
 * The dashboard's charts and timeline in a real browser, through Hosting: every value shown is
 * checked against what the API answers the same user.
 */
import type { ControlHistoryResponse } from '../../../functions/schema/compliance';
import type { EvidenceReport } from '../../../functions/schema/evidence';
import { storeControlDay, storeFinding, utcDayAgo } from '../../support/complianceFixtures';
import {
  browserPerFile,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
} from '../../support/browser';
import {
  addMember,
  callApi,
  createAccount,
  eventually,
  idTokenFor,
  uniqueAccountId,
  type MemberFixture,
} from '../../support/world';

type Finding = { title: string; controlId: string; dueDate: string; status: string };

jest.setTimeout(240_000);

const PASSWORD = 'dashboard-test-password';

let accountId: string;
let auditor: MemberFixture;
const session = browserPerFile();

beforeAll(async () => {
  accountId = await createAccount(uniqueAccountId('dash'));
  const owner = await addMember(accountId, { role: 'owner' }, { password: PASSWORD });
  auditor = await addMember(accountId, { role: 'auditor' }, { password: PASSWORD });
  // Today's results, plus earlier days of the first control (one failed) for its chart.
  const evaluated = await callApi('/compliance/evaluate', {
    method: 'POST',
    token: await idTokenFor(owner.uid),
    body: { accountId },
  });
  expect(evaluated.status).toBe(200);
  const { results } = evaluated.json as { results: { controlId: string }[] };
  await storeControlDay(accountId, results[0].controlId, utcDayAgo(1), ['pass', 'fail']);
  await storeControlDay(accountId, results[0].controlId, utcDayAgo(2), ['pass']);
  await storeFinding(accountId, 'overdue-finding', {
    controlId: results[0].controlId,
    title: 'Rotate the deploy key',
    dueDate: utcDayAgo(3),
  });
});

async function apiAs<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const answer = await callApi(path, {
    token: await idTokenFor(auditor.uid),
    query: { accountId, ...query },
  });
  expect(answer.status).toBe(200);
  return answer.json as T;
}

/** The parts of a canvas the check reads (the test's own TypeScript has no DOM types). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}

/** Waits until there are charts and every chart canvas has painted pixels (chart.js drew). */
const chartsPainted = () =>
  eventually(
    async () =>
      (await session.page.locator('.status-chart canvas').evaluateAll(
        (elements) =>
          elements.length > 0 &&
          elements.every((element) => {
            const canvas = element as unknown as Canvas;
            const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height);
            return canvas.width > 0 && !!pixels?.data.some((v, i) => i % 4 === 3 && v > 0);
          }),
      )) || undefined,
    { timeoutMs: 15_000, what: 'every chart painted' },
  );

describe('dashboard charts and timeline', () => {
  it("charts each control's 90 days, captioned with the API's day counts", async () => {
    const history = await apiAs<ControlHistoryResponse>('/compliance/controls/history');
    // Today's evaluation plus the two stored days; the one failing evaluation fails its day.
    expect(history.controls[0].days.slice(0, 2)).toEqual([
      { day: utcDayAgo(2), status: 'pass' },
      { day: utcDayAgo(1), status: 'fail' },
    ]);
    expect(history.controls[0].counts.not_evaluated).toBe(87);

    await signIn(session.page, auditor, PASSWORD, `/accounts/${accountId}`);
    const region = session.page.getByRole('region', { name: 'Results over the last 90 days' });
    await region.waitFor();
    const captions = region.locator('figcaption');
    await captions.first().waitFor();
    expect(await captions.allInnerTexts()).toEqual(
      history.controls.map(
        ({ controlId, counts: c }) =>
          `${controlId}: ${c.pass} of 90 days passed (${c.fail} failed, ${c.inconclusive} ` +
          `inconclusive, ${c.not_applicable} not applicable, ${c.not_evaluated} not evaluated)`,
      ),
    );
    await chartsPainted();
    await screenshot(session.page, 'dashboard-charts');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('lists the upcoming dates: quarterly bundle, findings due (overdue marked), vendor reviews', async () => {
    const status = await apiAs<{ nextBundleDate: string }>('/compliance/status');
    const { sections } = await apiAs<EvidenceReport>('/soc2-evidence', {
      section: 'vendor-register',
    });
    const vendors = sections.vendorRegister!.data.vendors;
    expect(vendors.length).toBeGreaterThan(0);

    await signIn(session.page, auditor, PASSWORD, `/accounts/${accountId}`);
    const timeline = session.page.getByRole('table', { name: 'Upcoming dates, earliest first' });
    await timeline.getByRole('cell', { name: 'Vendor review due' }).first().waitFor();
    const rows = await timeline
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
    const { findings } = await apiAs<{ findings: Finding[] }>('/compliance/findings');
    const today = utcDayAgo(0);
    const dated = (day: string) => (day < today ? `${day} (overdue)` : day);
    const overdueDay = utcDayAgo(3);
    expect(findings.map((f) => f.dueDate)).toContain(overdueDay);
    const expected = [
      [status.nextBundleDate, 'Quarterly bundle', 'Next quarterly evidence bundle'],
      ...findings
        .filter((f) => f.status === 'open' || f.status === 'in_progress')
        .map((f) => [dated(f.dueDate), 'Finding due', `${f.title} (${f.controlId})`]),
      ...vendors.map((v) => [
        dated(v.nextReviewDate),
        'Vendor review due',
        `${v.name} (${v.riskLevel} risk)`,
      ]),
    ];
    expect(rows).toHaveLength(expected.length);
    expect(rows).toEqual(expect.arrayContaining(expected));
    const dates = rows.map((r) => r[0]!.slice(0, 10));
    expect(dates).toEqual([...dates].sort());

    const openFindings = session.page.getByRole('table', { name: /Open and in-progress findings/ });
    await openFindings.getByRole('cell', { name: `${overdueDay} (overdue)` }).waitFor();
    expect(session.errors).toEqual([]);
  });

  it('draws the charts again after a reload of the deep link', async () => {
    await signIn(session.page, auditor, PASSWORD, `/accounts/${accountId}`);
    await session.page.locator('.status-chart figcaption').first().waitFor();
    await session.page.reload();
    await session.page.locator('.status-chart figcaption').first().waitFor();
    await chartsPainted();
    expect(session.errors).toEqual([]);
  });
});
