import { z } from 'zod';
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { Deps } from '../../app/deps';
import { parseDocument } from '../../schema/common';
import { accountSchema, memberSchema, roleSchema } from '../../schema/documents';
import { COLLECTIONS, accountPath } from '../../schema/paths';
import { signedInRoute, type Route } from '../router';

const accountsResponseSchema = z.object({
  accounts: z.array(z.object({ accountId: z.string(), name: z.string(), role: roleSchema })),
});
type AccountsResponse = z.output<typeof accountsResponseSchema>;

/**
 * The accounts the caller is an enabled member of, by name. Member documents are keyed by uid
 * but carry no uid field (CONTRACT §2), so one collection-group query on the token's email
 * (indexed in firestore.indexes.json) finds candidates and only those whose id is the caller's
 * uid count: an email alone never grants an account.
 */
async function accountsOf(deps: Deps, token: DecodedIdToken): Promise<AccountsResponse> {
  if (!token.email) return { accounts: [] };
  const members = await deps.db
    .collectionGroup(COLLECTIONS.members)
    .where('email', '==', token.email)
    .get();
  const mine = members.docs.flatMap((snap) => {
    const accountRef = snap.ref.parent.parent;
    if (snap.id !== token.uid || !accountRef) return [];
    const member = parseDocument(memberSchema, snap.ref.path, snap.data());
    return member.ok && !member.value.disabled
      ? [{ accountId: accountRef.id, role: member.value.role }]
      : [];
  });
  if (mine.length === 0) return { accounts: [] };
  const accountSnaps = await deps.db.getAll(
    ...mine.map((m) => deps.db.doc(accountPath(m.accountId))),
  );
  const accounts = mine.flatMap((m, i) => {
    const account = parseDocument(accountSchema, accountSnaps[i].ref.path, accountSnaps[i].data());
    return account.ok ? [{ ...m, name: account.value.name }] : [];
  });
  return { accounts: accounts.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** `/api/accounts`: where a signed-in user may go (the portal's account picker). */
export const accountRoutes: Route[] = [
  signedInRoute({
    method: 'GET',
    path: '/accounts',
    doc: {
      summary: 'Accounts the caller is a member of',
      description:
        "Every account in which the caller (the Firebase ID token) has an enabled membership, with its name and the caller's role, sorted by name. Needs no permission: it reveals only the caller's own memberships.",
      responses: {
        200: { description: 'JSON.', body: { id: 'Accounts', schema: accountsResponseSchema } },
      },
    },
    handle: async ({ deps, token }) => ({ body: await accountsOf(deps, token) }),
  }),
];
