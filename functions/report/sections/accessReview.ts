import { ALL_RESOURCES_LEVEL, levelOf, permissionsOf, ROLES, type Role } from '../../domain/roles';
import type { AccessChange } from '../../schema/audit';
import type { ApiKey, Department, Member, Resource } from '../../schema/documents';
import type {
  AccessReview,
  AccessReviewMember,
  IdentityFacts,
  MalformedDocument,
} from '../../schema/evidence';
import { emptyCollection, isoOrNull, type ParsedCollection } from '../types';
import { summarizeApiKeys } from './apiKeys';

export interface AccessReviewInput {
  members: ParsedCollection<Member>;
  departments: ParsedCollection<Department>;
  resources: ParsedCollection<Resource>;
  apiKeys: ParsedCollection<ApiKey>;
  /** Firebase Auth facts by uid; a uid absent from the map has no Auth user. */
  identities: ReadonlyMap<string, IdentityFacts>;
  /** From the access history kept by the audit pipeline, newest first, with its malformed entries. */
  recentAccessChanges: { changes: AccessChange[]; malformed: readonly MalformedDocument[] };
  now: Date;
}

type ResourceCounts = AccessReviewMember['resourceAccess'];

/**
 * Counts, per member, the resources they can reach under CONTRACT §2: uid in `memberIds`, a shared
 * department in `departmentIds`, or level ≥ ALL_RESOURCES_LEVEL. Indexes resources by member and by
 * department once, so the cost is linear in grants rather than members × resources.
 */
function resourceAccessCounter(resources: ParsedCollection<Resource>) {
  const byMember = new Map<string, Set<string>>();
  const byDepartment = new Map<string, Set<string>>();
  const typeOf = new Map<string, Resource['type']>();
  const everything: ResourceCounts = { recipes: 0, workflows: 0 };
  const add = (index: Map<string, Set<string>>, key: string, resourceId: string) => {
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(resourceId);
  };
  for (const { id, value } of resources.docs) {
    typeOf.set(id, value.type);
    everything[value.type === 'recipe' ? 'recipes' : 'workflows'] += 1;
    for (const uid of value.memberIds) add(byMember, uid, id);
    for (const dept of value.departmentIds) add(byDepartment, dept, id);
  }
  return (uid: string, member: Member): ResourceCounts => {
    if (levelOf(member.role) >= ALL_RESOURCES_LEVEL) return { ...everything };
    const reachable = new Set(byMember.get(uid));
    for (const dept of member.departments) {
      for (const id of byDepartment.get(dept) ?? []) reachable.add(id);
    }
    const counts: ResourceCounts = { recipes: 0, workflows: 0 };
    for (const id of reachable) counts[typeOf.get(id) === 'recipe' ? 'recipes' : 'workflows'] += 1;
    return counts;
  };
}

function identityFlags(identity: IdentityFacts | undefined): AccessReviewMember['flags'] {
  if (!identity) return ['auth_user_missing'];
  return identity.disabled ? ['auth_user_disabled'] : [];
}

/** Who can do what in the account, with identity-provider facts and the API key summary. */
export function computeAccessReview(input: AccessReviewInput): AccessReview {
  const departmentNames = new Map(input.departments.docs.map((d) => [d.id, d.value.name]));
  const accessOf = resourceAccessCounter(input.resources);
  const members: AccessReviewMember[] = input.members.docs
    .map(({ id: uid, value: member }) => {
      const identity = input.identities.get(uid);
      return {
        uid,
        email: member.email,
        displayName: member.displayName,
        role: member.role,
        level: levelOf(member.role),
        departments: member.departments.map((id) => ({
          id,
          name: departmentNames.get(id) ?? null,
        })),
        permissions: [...permissionsOf(member.role)],
        resourceAccess: accessOf(uid, member),
        lastActiveAt: isoOrNull(member.lastActiveAt),
        membershipDisabled: member.disabled ?? false,
        identity: identity ?? null,
        flags: identityFlags(identity),
      };
    })
    .sort((a, b) => a.email.localeCompare(b.email) || a.uid.localeCompare(b.uid));
  const roleDistribution = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
  for (const m of members) roleDistribution[m.role] += 1;
  return {
    totals: {
      members: members.length,
      flagged: members.filter((m) => m.flags.length > 0).length,
      mfaEnrolled: members.filter((m) => m.identity?.mfaEnrolled).length,
    },
    members,
    roleDistribution,
    apiKeys: summarizeApiKeys(input.apiKeys, input.now),
    recentAccessChanges: input.recentAccessChanges.changes,
    malformedDocuments: [
      ...input.members.malformed,
      ...input.departments.malformed,
      ...input.resources.malformed,
      ...input.apiKeys.malformed,
      ...input.recentAccessChanges.malformed,
    ],
  };
}

export const emptyAccessReview = (now: Date): AccessReview =>
  computeAccessReview({
    members: emptyCollection(),
    departments: emptyCollection(),
    resources: emptyCollection(),
    apiKeys: emptyCollection(),
    identities: new Map(),
    recentAccessChanges: { changes: [], malformed: [] },
    now,
  });
