import { useState } from 'preact/hooks';
import { accessReviewRights } from '../access';
import type { AccessReview, AccessReviewEntry, Api, DecisionInput } from '../api';
import { RecordForm, type FieldSpec } from '../form';
import { words } from '../format';
import { Show, useLoad } from '../load';
import { DueDate } from '../records';
import { Table } from '../table';
import { ROLES } from '../../../functions/domain/roles';

/**
 * `/accounts/{id}/access-reviews` (CONTRACT §7, §9): the campaigns with their state; one opened
 * with every frozen entry, its decision and follow-up. Level ≥ 80 starts and signs off, level ≥ 60
 * decides (never on their own access), everyone else reads. The API decides either way.
 */

const DECISIONS: DecisionInput['decision'][] = ['keep', 'revoke', 'change_role'];
/** '' leaves the new role out: only change_role takes one. */
const ROLE_CHOICES = ['', ...ROLES];

const START_FIELDS: FieldSpec[] = [
  { name: 'title', label: 'Title', required: true },
  { name: 'dueDate', label: 'Due date', type: 'date', required: true },
];

const DECISION_FIELDS: FieldSpec[] = [
  { name: 'decision', label: 'Decision', type: 'select', options: DECISIONS, value: 'keep' },
  { name: 'newRole', label: 'New role', type: 'select', options: ROLE_CHOICES, value: '' },
  { name: 'justification', label: 'Justification', type: 'textarea', required: true },
];

const SIGN_OFF_FIELDS: FieldSpec[] = [
  { name: 'statement', label: 'Statement', type: 'textarea', required: true },
];

/** What happened to a decision after sign-off, in words. */
function followUpText(entry: AccessReviewEntry): string {
  if (!entry.followUp) return entry.decision?.decision === 'keep' ? 'none needed' : '—';
  return entry.followUp.state === 'remediated'
    ? `remediated ${entry.followUp.remediatedAt?.slice(0, 10) ?? ''}`
    : 'outstanding';
}

function decisionText(entry: AccessReviewEntry): string {
  const d = entry.decision;
  if (!d) return 'undecided';
  return d.decision === 'change_role' ? `change role to ${words(d.newRole ?? '')}` : d.decision;
}

function ReviewList(props: { reviews: AccessReview[]; onOpen: (review: AccessReview) => void }) {
  if (props.reviews.length === 0) return <p>No access reviews yet.</p>;
  return (
    <Table
      caption="Access reviews, newest first"
      rows={props.reviews}
      rowKey={(r) => r.id}
      columns={[
        { header: 'Title', cell: (r) => r.title },
        {
          header: 'Due',
          cell: (r) => <DueDate day={r.dueDate} resolved={r.state !== 'open'} />,
        },
        { header: 'State', cell: (r) => words(r.state) },
        { header: 'Decided', cell: (r) => `${r.entryCount - r.undecided} of ${r.entryCount}` },
        {
          header: 'Follow-up',
          cell: (r) => `${r.followUp.outstanding} outstanding, ${r.followUp.remediated} remediated`,
        },
        {
          header: 'Entries',
          cell: (r) => (
            <button type="button" aria-label={`Open ${r.title}`} onClick={() => props.onOpen(r)}>
              Open
            </button>
          ),
        },
      ]}
    />
  );
}

function ReviewDetail(props: {
  api: Api;
  accountId: string;
  uid: string;
  reviewId: string;
  rights: { start: boolean; decide: boolean };
  onChanged: () => void;
}) {
  const { api, accountId, uid, reviewId, rights } = props;
  const [version, setVersion] = useState(0);
  const [pageToken, setPageToken] = useState<string | undefined>(undefined);
  const [deciding, setDeciding] = useState<AccessReviewEntry | null>(null);
  const loaded = useLoad(`${reviewId}:${pageToken ?? ''}:${version}`, () =>
    api.accessReview(accountId, reviewId, pageToken),
  );
  const changed = () => {
    setDeciding(null);
    setVersion((v) => v + 1);
    props.onChanged();
  };
  return (
    <Show loaded={loaded}>
      {({ accessReview: review, entries, nextPageToken }) => {
        const open = review.state === 'open';
        const decideCell = (e: AccessReviewEntry) =>
          e.subjectId === uid ? (
            'your own access: another reviewer decides'
          ) : (
            <button
              type="button"
              aria-label={`Decide on ${e.subject.email}`}
              onClick={() => setDeciding(e)}
            >
              Decide
            </button>
          );
        return (
          <section aria-labelledby="review-heading">
            <h2 id="review-heading">Review: {review.title}</h2>
            <p>
              {words(review.state)}; due <DueDate day={review.dueDate} resolved={!open} />;{' '}
              {review.undecided} undecided of {review.entryCount}; {review.apiKeys.total} API keys
              frozen.
              {review.signOff &&
                ` Signed off ${review.signOff.signedOffAt.slice(0, 10)}: “${review.signOff.statement}”`}
            </p>
            <Table
              caption={`Entries of ${review.title}, frozen at creation`}
              rows={entries}
              rowKey={(e) => e.subjectId}
              columns={[
                { header: 'Member', cell: (e) => e.subject.email },
                { header: 'Role', cell: (e) => `${words(e.subject.role)} (${e.subject.level})` },
                { header: 'Decision', cell: decisionText },
                { header: 'Justification', cell: (e) => e.decision?.justification ?? '' },
                {
                  header: 'Earlier decisions',
                  cell: (e) => String(Math.max(e.history.length - 1, 0)),
                },
                { header: 'Follow-up', cell: followUpText },
                ...(open && rights.decide ? [{ header: 'Decide', cell: decideCell }] : []),
              ]}
            />
            {nextPageToken && (
              <button type="button" onClick={() => setPageToken(nextPageToken)}>
                Next entries
              </button>
            )}
            {open && rights.decide && deciding && (
              <RecordForm
                key={`${deciding.subjectId}:${version}`}
                id="decide"
                title={`Decision on ${deciding.subject.email}`}
                fields={DECISION_FIELDS}
                submitLabel="Save decision"
                send="all"
                onSubmit={(values) =>
                  api.decide(accountId, reviewId, {
                    ...(values as unknown as DecisionInput),
                    subjectId: deciding.subjectId,
                  })
                }
                onSaved={changed}
              />
            )}
            {open && rights.start && (
              <RecordForm
                id="sign-off"
                title={`Sign off ${review.title}`}
                fields={SIGN_OFF_FIELDS}
                submitLabel="Sign off"
                send="all"
                onSubmit={(values) => api.signOffAccessReview(accountId, reviewId, values)}
                onSaved={changed}
              />
            )}
          </section>
        );
      }}
    </Show>
  );
}

export function AccessReviewsPage(props: { api: Api; accountId: string; uid: string }) {
  const { api, accountId, uid } = props;
  const [version, setVersion] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const loaded = useLoad(`${accountId}:${version}`, () =>
    Promise.all([api.accounts(), api.accessReviews(accountId)]),
  );
  const reload = () => setVersion((v) => v + 1);
  return (
    <>
      <h1>Access reviews: {accountId}</h1>
      <Show loaded={loaded}>
        {([{ accounts }, { accessReviews }]) => {
          const rights = accessReviewRights(accounts, accountId);
          return (
            <>
              <ReviewList reviews={accessReviews} onOpen={(r) => setOpenId(r.id)} />
              {!rights.decide && (
                <p>
                  Read-only: your role in this account cannot start, decide or sign off access
                  reviews.
                </p>
              )}
              {rights.start && (
                <RecordForm
                  id="new-access-review"
                  title="New access review"
                  fields={START_FIELDS}
                  submitLabel="Start access review"
                  send="all"
                  onSubmit={(values) => api.startAccessReview(accountId, values)}
                  onSaved={reload}
                />
              )}
              {openId && (
                <ReviewDetail
                  key={openId}
                  api={api}
                  accountId={accountId}
                  uid={uid}
                  reviewId={openId}
                  rights={rights}
                  onChanged={reload}
                />
              )}
            </>
          );
        }}
      </Show>
    </>
  );
}
