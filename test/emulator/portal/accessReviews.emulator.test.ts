/**
 * The access-reviews page in a real browser, through Hosting: an admin starts a review, decides
 * per entry with a justification (never on their own access), is refused sign-off while entries
 * are undecided, signs off, and sees the revocation followed to remediated; read-only for
 * auditors, "permission" for members; the dashboard's timeline shows the review's due date.
 */
import type { Locator } from 'playwright-core';
import { addDays, utcDay } from '../../../functions/domain/time';
import { accountDocPath } from '../../../functions/schema/paths';
import {
  browserPerFile,
  errorsOtherThan,
  rowCellTexts,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
} from '../../support/browser';
import {
  addMember,
  callApi,
  createAccount,
  db,
  idTokenFor,
  uniqueAccountId,
  type MemberFixture,
} from '../../support/world';

jest.setTimeout(240_000);

const PASSWORD = 'access-review-test-password';
const TITLE = 'Q4 access review';
const DUE = utcDay(addDays(new Date(), 20));

let accountId: string;
let admin: MemberFixture;
let lead: MemberFixture;
let auditor: MemberFixture;
let member: MemberFixture;
const session = browserPerFile();

beforeAll(async () => {
  accountId = await createAccount(uniqueAccountId('reviews-ui'));
  const withPassword = { password: PASSWORD };
  admin = await addMember(accountId, { role: 'admin' }, withPassword);
  lead = await addMember(accountId, { role: 'dept_lead' }, withPassword);
  auditor = await addMember(accountId, { role: 'auditor' }, withPassword);
  member = await addMember(accountId, { role: 'member' }, withPassword);
});

const reviewsPath = () => `/accounts/${accountId}/access-reviews`;

const rowTexts = (table: Locator, first: string) => rowCellTexts(session.page, table, first);

const entriesTable = () =>
  session.page.getByRole('table', { name: `Entries of ${TITLE}, frozen at creation` });

async function openReview() {
  await session.page.getByRole('button', { name: `Open ${TITLE}` }).click();
  await entriesTable().waitFor();
}

async function decideInForm(subject: MemberFixture, decision: string, justification: string) {
  await session.page.getByRole('button', { name: `Decide on ${subject.email}` }).click();
  const form = session.page.getByRole('form', { name: `Decision on ${subject.email}` });
  await form.getByLabel('Decision').selectOption(decision);
  await form.getByLabel('Justification').fill(justification);
  await form.getByRole('button', { name: 'Save decision' }).click();
  await form.waitFor({ state: 'detached' });
}

/** Console errors other than the browser's note on the API's answer with `status`. */
const errorsBut = (status: number) => errorsOtherThan(session.errors, status);

describe('access reviews page', () => {
  it('an admin starts a review and decides per entry with a justification, never on their own access', async () => {
    await signIn(session.page, admin, PASSWORD, reviewsPath());
    await session.page.getByText('No access reviews yet.').waitFor();
    const start = session.page.getByRole('form', { name: 'New access review' });
    await start.getByLabel('Title').fill(TITLE);
    await start.getByLabel('Due date').fill(DUE);
    await start.getByRole('button', { name: 'Start access review' }).click();

    const list = session.page.getByRole('table', { name: 'Access reviews, newest first' });
    expect((await rowTexts(list, TITLE)).slice(0, 5)).toEqual([
      TITLE,
      DUE,
      'open',
      '0 of 4',
      '0 outstanding, 0 remediated',
    ]);
    await openReview();
    expect((await rowTexts(entriesTable(), admin.email)).at(-1)).toBe(
      'your own access: another reviewer decides',
    );
    await decideInForm(member, 'revoke', 'Moved to a team without access needs.');
    expect((await rowTexts(entriesTable(), member.email)).slice(2, 4)).toEqual([
      'revoke',
      'Moved to a team without access needs.',
    ]);
    await screenshot(session.page, 'access-reviews');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('sign-off is refused while entries are undecided, then closes the review; the revocation is followed to remediated', async () => {
    await signIn(session.page, admin, PASSWORD, reviewsPath());
    await openReview();
    const signOff = session.page.getByRole('form', { name: `Sign off ${TITLE}` });
    await signOff.getByLabel('Statement').fill('All access reviewed for Q4.');
    await signOff.getByRole('button', { name: 'Sign off' }).click();
    await signOff.getByRole('alert').waitFor();
    expect(await signOff.getByRole('alert').innerText()).toMatch(/3 of 4 entries are undecided/);

    await decideInForm(lead, 'keep', 'Leads engineering.');
    await decideInForm(auditor, 'keep', 'External auditor for this year.');
    // The admin's own entry is decided by another reviewer (here the dept lead, over the API).
    const { id } = (
      (
        await callApi('/access-reviews', {
          token: await idTokenFor(auditor.uid),
          query: { accountId },
        })
      ).json as { accessReviews: { id: string }[] }
    ).accessReviews[0];
    const byLead = await callApi(`/access-reviews/${id}/decisions`, {
      method: 'POST',
      token: await idTokenFor(lead.uid),
      body: {
        accountId,
        subjectId: admin.uid,
        decision: 'keep',
        justification: 'Runs the account.',
      },
    });
    expect(byLead.status).toBe(200);

    await session.page.reload();
    await openReview();
    const again = session.page.getByRole('form', { name: `Sign off ${TITLE}` });
    await again.getByLabel('Statement').fill('All access reviewed for Q4.');
    await again.getByRole('button', { name: 'Sign off' }).click();
    await again.waitFor({ state: 'detached' });
    const list = session.page.getByRole('table', { name: 'Access reviews, newest first' });
    expect((await rowTexts(list, TITLE)).slice(2, 5)).toEqual([
      'signed off',
      '4 of 4',
      '1 outstanding, 0 remediated',
    ]);

    await db.doc(accountDocPath(accountId, 'members', member.uid)).update({ disabled: true });
    // The member trigger marks the revocation; the page shows it on a reload (bounded polling).
    const deadline = Date.now() + 60_000;
    for (;;) {
      await session.page.reload();
      await openReview();
      const followUp = (await rowTexts(entriesTable(), member.email))[5];
      if (followUp.startsWith('remediated')) break;
      if (Date.now() > deadline) throw new Error(`follow-up still ${followUp}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(await session.page.getByRole('button', { name: /^Decide on/ }).count()).toBe(0);
    expect(errorsBut(409)).toEqual([]);
  });

  it('is read-only for an auditor, and the dashboard timeline lists reviews due', async () => {
    const open = await callApi('/access-reviews', {
      method: 'POST',
      token: await idTokenFor(admin.uid),
      body: { accountId, title: 'Q1 access review', dueDate: DUE },
    });
    expect(open.status).toBe(201);
    await signIn(session.page, auditor, PASSWORD, reviewsPath());
    await session.page.getByText(/^Read-only/).waitFor();
    await session.page.getByRole('button', { name: 'Open Q1 access review' }).click();
    await session.page.getByRole('table', { name: /^Entries of Q1 access review/ }).waitFor();
    expect(await session.page.locator('form').count()).toBe(0);
    expect(await session.page.getByRole('button', { name: /^Decide on/ }).count()).toBe(0);

    await session.page.getByRole('link', { name: 'Dashboard' }).click();
    const timeline = session.page.getByRole('table', { name: 'Upcoming dates, earliest first' });
    expect(await rowTexts(timeline, DUE)).toEqual([DUE, 'Access review due', 'Q1 access review']);
    expect(session.errors).toEqual([]);
  });

  it('tells a member about permission', async () => {
    await signIn(session.page, member, PASSWORD, reviewsPath());
    await session.page.getByText(/permission/).waitFor();
    expect(await session.page.getByRole('table').count()).toBe(0);
    expect(errorsBut(403)).toEqual([]);
  });
});
