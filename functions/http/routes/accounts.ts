import { z } from 'zod';
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { Deps } from '../../app/deps';
import { parseSnapshot } from '../../schema/common';
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
  // Malformed memberships and accounts are logged by parseSnapshot and left out of the picker.
  const own = members.docs.filter((snap) => snap.id === token.uid && snap.ref.parent.parent);
  const context = { uid: token.uid, purpose: 'account picker' };
  const mine = own.flatMap((snap) => {
    const [member] = parseSnapshot(memberSchema, [snap], context).docs;
    return member && !member.value.disabled
      ? [{ accountId: snap.ref.parent.parent!.id, role: member.value.role }]
      : [];
  });
  if (mine.length === 0) return { accounts: [] };
  const accountSnaps = await deps.db.getAll(
    ...mine.map((m) => deps.db.doc(accountPath(m.accountId))),
  );
  const byId = new Map(
    parseSnapshot(
      accountSchema,
      accountSnaps.filter((snap) => snap.exists),
      context,
    ).docs.map((d) => [d.id, d.value.name]),
  );
  const accounts = mine.flatMap((m) => {
    const name = byId.get(m.accountId);
    return name === undefined ? [] : [{ ...m, name }];
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
