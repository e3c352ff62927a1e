import { DAY_MS } from '../../functions/domain/time';
/**
 * Realistic audit activity for seeded accounts: who acts (a few heavy users, most light), what they
 * do (mostly executions and sign-ins, rarely administration), when (business hours, fewer on
 * weekends), from where (an office address and a home address per person), and with which result
 * (denied when the role lacks the permission, occasional provider failures).
 */
import { can, ROLES, type Permission, type Role } from '../../functions/domain/roles';
import type { AuditLogInput } from './builders';
import type { Rng } from './rng';

export interface Actor {
  uid: string;
  email: string;
  role: Role;
  /** Relative share of the account's activity (any positive number). */
  activity: number;
  /** No events after this instant (a member who left or was disabled). */
  activeUntil?: Date;
}

export interface ActivityResource {
  id: string;
  type: 'recipe' | 'workflow';
  name: string;
}

export interface AuditActivityOptions {
  accountId: string;
  actors: readonly Actor[];
  resources: readonly ActivityResource[];
  departments?: readonly { id: string; name: string }[];
  apiKeys?: readonly { id: string; provider: string }[];
  count: number;
  now: Date;
  /** Events fall in the `days` days before `now`. */
  days: number;
  rng: Rng;
}

type Target =
  'session' | 'recipe' | 'workflow' | 'member' | 'apiKey' | 'settings' | 'department' | 'audit';

interface ActionSpec {
  action: string;
  target: Target;
  weight: number;
  permission?: Permission;
}

const ACTIONS: readonly ActionSpec[] = [
  { action: 'auth.login', target: 'session', weight: 14 },
  { action: 'auth.logout', target: 'session', weight: 8 },
  { action: 'auth.login_failed', target: 'session', weight: 2 },
  { action: 'recipe.execute', target: 'recipe', weight: 32, permission: 'recipes:execute' },
  { action: 'workflow.execute', target: 'workflow', weight: 16, permission: 'workflows:execute' },
  { action: 'recipe.view', target: 'recipe', weight: 7, permission: 'recipes:read' },
  { action: 'workflow.view', target: 'workflow', weight: 4, permission: 'workflows:read' },
  { action: 'recipe.update', target: 'recipe', weight: 5, permission: 'recipes:update' },
  { action: 'recipe.create', target: 'recipe', weight: 2, permission: 'recipes:create' },
  { action: 'recipe.delete', target: 'recipe', weight: 0.4, permission: 'recipes:delete' },
  { action: 'workflow.update', target: 'workflow', weight: 3, permission: 'workflows:update' },
  { action: 'workflow.create', target: 'workflow', weight: 1, permission: 'workflows:create' },
  { action: 'member.invite', target: 'member', weight: 0.8, permission: 'members:invite' },
  { action: 'member.remove', target: 'member', weight: 0.2, permission: 'members:remove' },
  { action: 'role.assign', target: 'member', weight: 0.8, permission: 'roles:assign' },
  { action: 'apikey.create', target: 'apiKey', weight: 0.4, permission: 'apikeys:manage' },
  { action: 'apikey.revoke', target: 'apiKey', weight: 0.2, permission: 'apikeys:manage' },
  { action: 'settings.update', target: 'settings', weight: 0.4, permission: 'settings:update' },
  {
    action: 'department.update',
    target: 'department',
    weight: 0.6,
    permission: 'departments:manage',
  },
  { action: 'audit.view', target: 'audit', weight: 1.5, permission: 'audit:read' },
  { action: 'audit.export', target: 'audit', weight: 0.2, permission: 'audit:export' },
];

/** Share of events where someone tries an action their role does not allow (→ `denied`). */
const FORBIDDEN_ATTEMPT_RATE = 0.02;
/** Share of executions that fail at the LLM provider. */
const EXECUTION_FAILURE_RATE = 0.035;

const SETTINGS_CHANGES = [
  { field: 'piiDetection.mode', oldValue: 'detect', newValue: 'redact' },
  { field: 'retention.auditLogDays', oldValue: 365, newValue: 730 },
  { field: 'dataResidency.prompts', oldValue: 'cloud_sync', newValue: 'cloud_redacted' },
  { field: 'piiDetection.entities', oldValue: ['email'], newValue: ['email', 'phone_number'] },
] as const;

const PROVIDER_FAILURES = [
  'Provider returned 429 Too Many Requests',
  'Provider request timed out after 120 s',
  'Provider returned 529 Overloaded',
  'Output blocked by PII redaction policy',
];

const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-4.1', 'gpt-4.1-mini'];
const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Chrome/131.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/131.0',
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
];

/** A draw biased to weekdays and 13:00–23:00 UTC (US business hours); never after `end`. */
function eventTime(rng: Rng, start: number, end: number): Date {
  let at = new Date(end);
  for (let attempt = 0; attempt < 4; attempt++) {
    at = new Date(start + rng.next() * (end - start));
    const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
    const hour = at.getUTCHours();
    const offHours = hour < 13 || hour >= 23;
    if (!(weekend && rng.chance(0.75)) && !(offHours && rng.chance(0.6))) break;
  }
  return at;
}

function permitted(role: Role, spec: ActionSpec): boolean {
  return spec.permission === undefined || can(role, spec.permission);
}

export interface GeneratedEvent {
  id: string;
  event: AuditLogInput;
}

/** Generates `count` audit events; lazily, so 100,000 of them stream into a BulkWriter. */
export function* auditEvents(options: AuditActivityOptions): Generator<GeneratedEvent> {
  const { accountId, rng, now } = options;
  const windowStart = now.getTime() - options.days * DAY_MS;
  const departments = options.departments ?? [];
  const apiKeys = options.apiKeys ?? [];
  const available = ACTIONS.filter(
    (spec) =>
      (spec.target !== 'recipe' || options.resources.some((r) => r.type === 'recipe')) &&
      (spec.target !== 'workflow' || options.resources.some((r) => r.type === 'workflow')) &&
      (spec.target !== 'department' || departments.length > 0) &&
      (spec.target !== 'apiKey' || apiKeys.length > 0),
  );
  const weightedAll = available.map((spec) => [spec, spec.weight] as const);
  const weightedByRole = new Map(
    ROLES.map((role) => [role, weightedAll.filter(([spec]) => permitted(role, spec))]),
  );
  const actors = options.actors.filter((a) => (a.activeUntil?.getTime() ?? Infinity) > windowStart);
  if (actors.length === 0 && options.count > 0) {
    throw new Error(`auditEvents: no actor of ${accountId} is active in the window`);
  }
  const weightedActors = actors.map((a) => [a, a.activity] as const);
  const officeIp = `203.0.113.${rng.int(10, 60)}`;
  const homeIps = new Map(actors.map((a) => [a.uid, `198.51.100.${rng.int(1, 254)}`]));
  const byType = (type: ActivityResource['type']) =>
    options.resources.filter((r) => r.type === type);
  const recipes = byType('recipe');
  const workflows = byType('workflow');

  for (let n = 0; n < options.count; n++) {
    const actor = rng.weighted(weightedActors);
    const spec = rng.chance(FORBIDDEN_ATTEMPT_RATE)
      ? rng.pick(available)
      : rng.weighted(weightedByRole.get(actor.role)!);
    const end = Math.min(now.getTime(), actor.activeUntil?.getTime() ?? Infinity);
    const event: AuditLogInput = {
      timestamp: eventTime(rng, windowStart, end),
      actorId: actor.uid,
      actorEmail: actor.email,
      actorIp: rng.chance(0.7) ? officeIp : homeIps.get(actor.uid),
      action: spec.action,
      resourceType: spec.target,
      result: permitted(actor.role, spec) ? 'success' : 'denied',
    };
    switch (spec.target) {
      case 'session':
        event.resourceId = actor.uid;
        event.metadata = {
          method: rng.chance(0.8) ? 'google_sso' : 'password',
          userAgent: rng.pick(USER_AGENTS),
        };
        if (spec.action === 'auth.login_failed') {
          event.result = 'failure';
          event.details = { description: rng.pick(['Wrong password', 'MFA code rejected']) };
        }
        break;
      case 'recipe':
      case 'workflow': {
        const resource = rng.pick(spec.target === 'recipe' ? recipes : workflows);
        event.resourceId = resource.id;
        event.resourceName = resource.name;
        if (spec.action.endsWith('.execute') && event.result === 'success') {
          event.metadata = {
            model: rng.pick(MODELS),
            durationMs: rng.int(400, 45_000),
            inputTokens: rng.int(200, 30_000),
            outputTokens: rng.int(50, 4_000),
          };
          if (rng.chance(EXECUTION_FAILURE_RATE)) {
            event.result = 'failure';
            event.details = { description: rng.pick(PROVIDER_FAILURES) };
          }
        }
        if (spec.action.endsWith('.update')) {
          event.details = {
            description: `Updated ${resource.name}`,
            changes: [{ field: 'prompt', oldValue: `v${n % 7}`, newValue: `v${(n % 7) + 1}` }],
          };
        }
        break;
      }
      case 'member': {
        const target = rng.pick(options.actors);
        event.resourceId = target.uid;
        event.resourceName = target.email;
        if (spec.action === 'role.assign') {
          const newRole = rng.pick(ROLES.filter((r) => r !== target.role && r !== 'owner'));
          event.details = {
            description: `Changed the role of ${target.email}`,
            before: { role: target.role },
            after: { role: newRole },
            changes: [{ field: 'role', oldValue: target.role, newValue: newRole }],
          };
        } else if (spec.action === 'member.invite') {
          event.resourceId = undefined;
          event.resourceName = `invitee${n}@${target.email.split('@')[1]}`;
          event.details = { after: { role: rng.pick(['member', 'viewer']) } };
        }
        break;
      }
      case 'apiKey': {
        const key = rng.pick(apiKeys);
        event.resourceId = key.id;
        event.resourceName = `${key.provider} key`;
        event.metadata = { provider: key.provider };
        break;
      }
      case 'settings': {
        const change = rng.pick(SETTINGS_CHANGES);
        event.resourceId = 'compliance';
        event.details = { description: `Changed ${change.field}`, changes: [change] };
        break;
      }
      case 'department': {
        const department = rng.pick(departments);
        event.resourceId = department.id;
        event.resourceName = department.name;
        break;
      }
      case 'audit':
        event.resourceId = spec.action === 'audit.export' ? `export-${n}` : 'soc2-evidence';
        break;
    }
    yield { id: rng.id(), event };
  }
}
