/**
 * Every document below one document path, at any depth and in any collection (a kindless
 * all-descendants query, as the SDK's recursiveDelete runs, sent to the Firestore emulator's REST
 * API), sized by documentSize.ts. Pages by document name so an account of 150,000 documents is
 * never held at once.
 */
import type { StackEnv } from '../scripts/localStack/types';
import { documentSize, type RestValue } from './documentSize';

const PAGE = 2000;

interface RestDocument {
  name: string;
  fields?: Record<string, RestValue>;
}

export interface SizedDocument {
  path: string;
  bytes: number;
}

export interface DocumentScan {
  scanned: number;
  /** The largest documents, largest first. */
  largest: SizedDocument[];
}

const databaseOf = (env: Pick<StackEnv, 'GCLOUD_PROJECT'>) =>
  `projects/${env.GCLOUD_PROJECT}/databases/(default)/documents`;

/** The emulator's administrator token: rules do not apply, as for the admin SDK. */
const ADMIN = { authorization: 'Bearer owner', 'content-type': 'application/json' };

async function parentDocument(
  env: Pick<StackEnv, 'FIRESTORE_EMULATOR_HOST' | 'GCLOUD_PROJECT'>,
  path: string,
): Promise<SizedDocument> {
  const response = await fetch(
    `http://${env.FIRESTORE_EMULATOR_HOST}/v1/${databaseOf(env)}/${path}`,
    {
      headers: ADMIN,
    },
  );
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return { path, bytes: documentSize((await response.json()) as RestDocument) };
}

async function page(
  env: Pick<StackEnv, 'FIRESTORE_EMULATOR_HOST' | 'GCLOUD_PROJECT'>,
  parentPath: string,
  after: string | undefined,
): Promise<RestDocument[]> {
  const response = await fetch(
    `http://${env.FIRESTORE_EMULATOR_HOST}/v1/${databaseOf(env)}/${parentPath}:runQuery`,
    {
      method: 'POST',
      headers: ADMIN,
      body: JSON.stringify({
        structuredQuery: {
          from: [{ allDescendants: true }],
          orderBy: [{ field: { fieldPath: '__name__' }, direction: 'ASCENDING' }],
          ...(after ? { startAt: { values: [{ referenceValue: after }], before: false } } : {}),
          limit: PAGE,
        },
      }),
    },
  );
  if (!response.ok) {
    throw new Error(
      `runQuery under ${parentPath} answered ${response.status}: ${await response.text()}`,
    );
  }
  const results = (await response.json()) as { document?: RestDocument }[];
  return results.flatMap((r) => (r.document ? [r.document] : []));
}

/** Sizes the document `parentPath` and every document below it (e.g. `accounts/acme`) and keeps the `top` largest. */
export async function largestDocuments(
  env: Pick<StackEnv, 'FIRESTORE_EMULATOR_HOST' | 'GCLOUD_PROJECT'>,
  parentPath: string,
  top: number,
): Promise<DocumentScan> {
  let largest: SizedDocument[] = [await parentDocument(env, parentPath)];
  let scanned = 1;
  let after: string | undefined;
  for (;;) {
    const docs = await page(env, parentPath, after);
    if (docs.length === 0) return { scanned, largest };
    scanned += docs.length;
    const sized = docs.map((d) => ({
      path: d.name.slice(d.name.indexOf('/documents/') + '/documents/'.length),
      bytes: documentSize(d),
    }));
    largest = [...largest, ...sized].sort((a, b) => b.bytes - a.bytes).slice(0, top);
    after = docs[docs.length - 1].name;
  }
}
