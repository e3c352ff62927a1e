import {
  ALL_PERMISSIONS,
  ALL_RESOURCES_LEVEL,
  can,
  isRole,
  levelOf,
  PERMISSION_CATALOG,
  permissionsOf,
  ROLES,
  type Permission,
  type Role,
} from '../../../functions/domain/roles';

/**
 * The permission matrix, written out by hand. Any change to functions/domain/roles.ts that alters
 * what a role may do fails here and has to be made twice, on purpose.
 */
const EXPECTED: Record<Role, { level: number; permissions: Permission[] }> = {
  owner: { level: 100, permissions: [...ALL_PERMISSIONS] },
  admin: {
    level: 80,
    permissions: [
      'recipes:read',
      'recipes:create',
      'recipes:update',
      'recipes:delete',
      'recipes:execute',
      'workflows:read',
      'workflows:create',
      'workflows:update',
      'workflows:delete',
      'workflows:execute',
      'departments:read',
      'departments:manage',
      'departments:assign',
      'members:read',
      'members:invite',
      'members:update',
      'members:remove',
      'roles:read',
      'roles:assign',
      'apikeys:read',
      'apikeys:manage',
      'audit:read',
      'audit:export',
      'settings:read',
      'settings:update',
    ],
  },
  dept_lead: {
    level: 60,
    permissions: [
      'recipes:read',
      'recipes:create',
      'recipes:update',
      'recipes:delete',
      'recipes:execute',
      'workflows:read',
      'workflows:create',
      'workflows:update',
      'workflows:delete',
      'workflows:execute',
      'departments:read',
      'departments:assign',
      'members:read',
      'roles:read',
      'apikeys:read',
      'audit:read',
      'settings:read',
    ],
  },
  auditor: {
    level: 15,
    permissions: [
      'recipes:read',
      'workflows:read',
      'departments:read',
      'members:read',
      'roles:read',
      'apikeys:read',
      'audit:read',
      'settings:read',
    ],
  },
  member: {
    level: 10,
    permissions: [
      'recipes:read',
      'recipes:execute',
      'workflows:read',
      'workflows:execute',
      'departments:read',
    ],
  },
  viewer: { level: 5, permissions: ['recipes:read', 'workflows:read', 'departments:read'] },
};

/** CONTRACT §1: who may read and export audit evidence. */
const AUDIT_TABLE: Record<Role, { read: boolean; export: boolean }> = {
  owner: { read: true, export: true },
  admin: { read: true, export: true },
  dept_lead: { read: true, export: false },
  auditor: { read: true, export: false },
  member: { read: false, export: false },
  viewer: { read: false, export: false },
};

const sorted = (items: readonly string[]) => [...items].sort();

describe('permission catalog', () => {
  it('has 26 unique permissions in 8 categories', () => {
    expect(Object.keys(PERMISSION_CATALOG)).toEqual([
      'recipes',
      'workflows',
      'departments',
      'members',
      'roles',
      'apiKeys',
      'audit',
      'settings',
    ]);
    expect(ALL_PERMISSIONS).toHaveLength(26);
    expect(new Set(ALL_PERMISSIONS).size).toBe(26);
  });

  it('names every permission `<category>:<verb>` after its own category', () => {
    for (const [category, permissions] of Object.entries(PERMISSION_CATALOG)) {
      for (const permission of permissions) {
        expect(permission).toMatch(new RegExp(`^${category.toLowerCase()}:[a-z]+$`));
      }
    }
  });
});

describe('roles', () => {
  it('are exactly the six stored values of CONTRACT §1, highest level first', () => {
    expect([...ROLES]).toEqual(['owner', 'admin', 'dept_lead', 'auditor', 'member', 'viewer']);
    const levels = ROLES.map(levelOf);
    expect(levels).toEqual([...levels].sort((a, b) => b - a));
  });

  it.each(ROLES)('%s has exactly its pinned level and permissions', (role) => {
    expect(levelOf(role)).toBe(EXPECTED[role].level);
    expect(sorted(permissionsOf(role))).toEqual(sorted(EXPECTED[role].permissions));
    expect(new Set(permissionsOf(role)).size).toBe(permissionsOf(role).length);
  });

  it.each(ROLES)('%s may read and export audit evidence exactly as CONTRACT §1 says', (role) => {
    expect({ read: can(role, 'audit:read'), export: can(role, 'audit:export') }).toEqual(
      AUDIT_TABLE[role],
    );
  });

  it('keeps billing with the owner alone', () => {
    expect(ROLES.filter((role) => can(role, 'settings:billing'))).toEqual(['owner']);
  });

  it('gives every role a subset of the permissions of each role above it, except the auditor', () => {
    // The auditor reads more than a member but cannot execute: the one deliberate break.
    const chain: Role[] = ['owner', 'admin', 'dept_lead', 'member', 'viewer'];
    for (let i = 1; i < chain.length; i++) {
      const above = new Set(permissionsOf(chain[i - 1]));
      expect(permissionsOf(chain[i]).filter((p) => !above.has(p))).toEqual([]);
    }
    expect(can('auditor', 'recipes:execute')).toBe(false);
  });

  it('lets admins and owners reach every resource regardless of ACLs', () => {
    expect(ALL_RESOURCES_LEVEL).toBe(80);
    expect(ROLES.filter((role) => levelOf(role) >= ALL_RESOURCES_LEVEL)).toEqual([
      'owner',
      'admin',
    ]);
  });

  it('recognises stored role values only', () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
    for (const value of ['Owner', 'superadmin', '', ' admin', null, undefined, 80, {}]) {
      expect(isRole(value)).toBe(false);
    }
  });
});
