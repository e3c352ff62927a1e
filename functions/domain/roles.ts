/**
 * Roles and permissions as data (CONTRACT §1). Levels drive Firestore rules; permissions drive
 * the API. Every other module asks `levelOf` / `can` rather than comparing role names.
 */

export const PERMISSION_CATALOG = {
  recipes: [
    'recipes:read',
    'recipes:create',
    'recipes:update',
    'recipes:delete',
    'recipes:execute',
  ],
  workflows: [
    'workflows:read',
    'workflows:create',
    'workflows:update',
    'workflows:delete',
    'workflows:execute',
  ],
  departments: ['departments:read', 'departments:manage', 'departments:assign'],
  members: ['members:read', 'members:invite', 'members:update', 'members:remove'],
  roles: ['roles:read', 'roles:assign'],
  apiKeys: ['apikeys:read', 'apikeys:manage'],
  audit: ['audit:read', 'audit:export'],
  settings: ['settings:read', 'settings:update', 'settings:billing'],
} as const;

export type PermissionCategory = keyof typeof PERMISSION_CATALOG;
export type Permission = (typeof PERMISSION_CATALOG)[PermissionCategory][number];

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(PERMISSION_CATALOG).flat();

export const ROLES = ['owner', 'admin', 'dept_lead', 'auditor', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Numeric level per role; Firestore rules mirror these numbers (see firestore.rules). */
export const ROLE_LEVELS: Readonly<Record<Role, number>> = Object.freeze({
  owner: 100,
  admin: 80,
  dept_lead: 60,
  auditor: 15,
  member: 10,
  viewer: 5,
});

/** Level at or above which a member reaches every resource regardless of ACLs (CONTRACT §2). */
export const ALL_RESOURCES_LEVEL = 80;

/** Level at or above which a member is privileged (owners, admins) and must enroll MFA (CC6.1). */
export const PRIVILEGED_LEVEL = 80;

/** Level needed to write findings and incidents through the API (dept_lead and above). */
export const COMPLIANCE_WRITE_LEVEL = 60;

/** Level needed to start and sign off access reviews (admins and owners; CONTRACT §9). */
export const ACCESS_REVIEW_CREATE_LEVEL = 80;

/** Level needed to decide on an entry of an access review (dept_lead and above; CONTRACT §9). */
export const ACCESS_REVIEW_DECIDE_LEVEL = 60;

const READ_ONLY: readonly Permission[] = ['recipes:read', 'workflows:read', 'departments:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  owner: ALL_PERMISSIONS,
  // Billing stays with the owner; everything else an admin may do.
  admin: ALL_PERMISSIONS.filter((p) => p !== 'settings:billing'),
  dept_lead: [
    ...PERMISSION_CATALOG.recipes,
    ...PERMISSION_CATALOG.workflows,
    'departments:read',
    'departments:assign',
    'members:read',
    'roles:read',
    'apikeys:read',
    'audit:read',
    'settings:read',
  ],
  auditor: [
    ...READ_ONLY,
    'members:read',
    'roles:read',
    'apikeys:read',
    'audit:read',
    'settings:read',
  ],
  member: [...READ_ONLY, 'recipes:execute', 'workflows:execute'],
  viewer: READ_ONLY,
});

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function levelOf(role: Role): number {
  return ROLE_LEVELS[role];
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
