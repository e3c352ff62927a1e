/**
 * The demo tenants `npm start` seeds: Acme Robotics (the enterprise account the evidence report is
 * shown for), Globex Labs (a pro account, to show tenant isolation and the plan gate) and Initech
 * Systems (a small second enterprise account). Times are relative to the seeding clock.
 */
import type { DemoReviewPlan } from './accessReviews';
import type { Role } from '../../functions/domain/roles';
import type {
  ApiKeyInput,
  BlockedIpInput,
  ComplianceSettingsInput,
  ResourceInput,
} from './builders';

export interface PersonSpec {
  /** `first.last`: gives the uid suffix and the email local part. */
  handle: string;
  displayName: string;
  role: Role;
  departments: string[];
  /** Relative share of the account's audit activity; 0 for someone who never signed in. */
  activity: number;
  /** Hours since last activity (absent: never active). */
  lastActiveHoursAgo?: number;
  mfaPhone?: string;
  emailVerified?: boolean;
  /** Disabled both as a member and in Firebase Auth. */
  disabled?: boolean;
}

/** `Date` fields of the document inputs become "days before now" here. */
type Relative<T, K extends keyof T> = Omit<T, K> & { [P in K]?: number };

export interface AccountSpec {
  id: string;
  name: string;
  plan: 'free' | 'pro' | 'enterprise';
  /** Email domain of its people. */
  domain: string;
  createdDaysAgo: number;
  departments: Record<string, string>;
  people: PersonSpec[];
  resources: (Omit<ResourceInput, 'memberIds'> & { id: string; memberHandles?: string[] })[];
  apiKeys: (Relative<ApiKeyInput, 'createdAt' | 'lastUsedAt'> & { id: string })[];
  auditEvents: number;
  /** Days back the audit events are spread over. */
  auditDays: number;
  authFailures: number;
  blockedIps: (Relative<BlockedIpInput, 'blockedAt' | 'expiresAt'> & { id: string })[];
  usageSpikes: { handle: string; resourceId: string; daysAgo: number; perHour: number }[];
  compliance: ComplianceSettingsInput;
  /** Access-review campaigns to seed (scripts/seed/accessReviews.ts), by person handle. */
  accessReviews?: DemoReviewPlan;
}

const ACME_DEPARTMENTS = {
  engineering: 'Engineering',
  research: 'Research & ML',
  operations: 'Operations',
  sales: 'Sales',
  support: 'Customer Support',
  finance: 'Finance',
  legal: 'Legal & Compliance',
  security: 'Security',
};

const person = (
  handle: string,
  displayName: string,
  role: Role,
  departments: (keyof typeof ACME_DEPARTMENTS)[],
  activity: number,
  extra: Partial<PersonSpec> = {},
): PersonSpec => ({
  handle,
  displayName,
  role,
  departments,
  activity,
  lastActiveHoursAgo: activity > 0 ? Math.max(1, Math.round(48 / activity)) : undefined,
  emailVerified: true,
  ...extra,
});

export const ACME: AccountSpec = {
  id: 'acme-robotics',
  name: 'Acme Robotics',
  plan: 'enterprise',
  domain: 'acmerobotics.example',
  createdDaysAgo: 610,
  departments: ACME_DEPARTMENTS,
  accessReviews: {
    owner: 'maria.chen',
    admin: 'david.okafor',
    revokedLastQuarter: 'ryan.mitchell',
    revokedThisQuarter: 'tara.nguyen',
  },
  people: [
    person('maria.chen', 'Maria Chen', 'owner', ['operations', 'finance'], 4, {
      mfaPhone: '+16505550101',
    }),
    person('david.okafor', 'David Okafor', 'admin', ['engineering', 'security'], 6, {
      mfaPhone: '+16505550102',
    }),
    person('priya.raman', 'Priya Raman', 'admin', ['operations', 'legal'], 3, {
      mfaPhone: '+16505550103',
    }),
    person('tom.eriksson', 'Tom Eriksson', 'admin', ['security'], 2, {
      mfaPhone: '+16505550104',
    }),
    person('lena.fischer', 'Lena Fischer', 'dept_lead', ['engineering', 'research'], 9, {
      mfaPhone: '+16505550105',
    }),
    person('marcus.johnson', 'Marcus Johnson', 'dept_lead', ['sales'], 5),
    person('sofia.alvarez', 'Sofia Alvarez', 'dept_lead', ['support', 'operations'], 7, {
      mfaPhone: '+16505550107',
    }),
    person('kenji.watanabe', 'Kenji Watanabe', 'dept_lead', ['research'], 4, {
      mfaPhone: '+16505550108',
    }),
    person('amara.nwosu', 'Amara Nwosu', 'dept_lead', ['finance'], 2),
    person('rachel.goldberg', 'Rachel Goldberg', 'auditor', ['legal'], 1, {
      mfaPhone: '+16505550110',
    }),
    person('oliver.grant', 'Oliver Grant', 'auditor', ['legal', 'security'], 0.5),
    person('aisha.khan', 'Aisha Khan', 'member', ['engineering', 'research'], 14),
    person('ben.carter', 'Ben Carter', 'member', ['engineering'], 8),
    person('chloe.dubois', 'Chloé Dubois', 'member', ['support'], 6),
    person('diego.santos', 'Diego Santos', 'member', ['sales'], 3),
    person('emma.larsen', 'Emma Larsen', 'member', ['support', 'sales'], 5),
    person('farid.haddad', 'Farid Haddad', 'member', ['engineering', 'security'], 4, {
      mfaPhone: '+16505550116',
    }),
    person('grace.liu', 'Grace Liu', 'member', ['research'], 7),
    person('hiro.tanaka', 'Hiro Tanaka', 'member', ['engineering', 'operations'], 2),
    person('isabel.moreno', 'Isabel Moreno', 'member', ['finance', 'operations'], 1.5),
    person('jamal.wright', 'Jamal Wright', 'member', ['support'], 4),
    person('katya.petrova', 'Katya Petrova', 'member', ['research', 'engineering'], 3),
    person('liam.obrien', "Liam O'Brien", 'member', ['sales'], 2, { emailVerified: false }),
    person('mei.huang', 'Mei Huang', 'member', ['legal'], 1),
    person('nadia.rahman', 'Nadia Rahman', 'member', ['operations'], 0, { emailVerified: false }),
    person('ryan.mitchell', 'Ryan Mitchell', 'member', ['sales', 'support'], 1, {
      disabled: true,
      lastActiveHoursAgo: 25 * 24,
    }),
    person('sam.patel', 'Sam Patel', 'viewer', ['finance'], 1),
    person('tara.nguyen', 'Tara Nguyen', 'viewer', ['sales'], 0.5),
    person('uma.iyer', 'Uma Iyer', 'viewer', ['support'], 0.5),
    person('victor.klein', 'Victor Klein', 'viewer', ['legal', 'finance'], 0, {
      emailVerified: false,
    }),
  ],
  resources: [
    {
      id: 'rcp-ticket-summarizer',
      type: 'recipe',
      name: 'Support ticket summarizer',
      departmentIds: ['support'],
    },
    {
      id: 'rcp-release-notes',
      type: 'recipe',
      name: 'Release notes drafter',
      departmentIds: ['engineering'],
    },
    {
      id: 'rcp-code-review',
      type: 'recipe',
      name: 'Pull request review assistant',
      departmentIds: ['engineering'],
      memberHandles: ['farid.haddad'],
    },
    {
      id: 'rcp-paper-digest',
      type: 'recipe',
      name: 'Research paper digest',
      departmentIds: ['research'],
    },
    {
      id: 'rcp-sensor-anomaly',
      type: 'recipe',
      name: 'Robot sensor anomaly explainer',
      departmentIds: ['research', 'engineering'],
    },
    { id: 'rcp-rfp-answers', type: 'recipe', name: 'RFP answer drafter', departmentIds: ['sales'] },
    {
      id: 'rcp-lead-enrichment',
      type: 'recipe',
      name: 'Lead enrichment notes',
      departmentIds: ['sales'],
    },
    {
      id: 'rcp-contract-clauses',
      type: 'recipe',
      name: 'Contract clause extractor',
      departmentIds: ['legal'],
      memberHandles: ['rachel.goldberg'],
    },
    {
      id: 'rcp-invoice-coding',
      type: 'recipe',
      name: 'Invoice GL coding',
      departmentIds: ['finance'],
    },
    {
      id: 'rcp-incident-timeline',
      type: 'recipe',
      name: 'Incident timeline builder',
      departmentIds: ['security', 'engineering'],
    },
    {
      id: 'rcp-kb-answer',
      type: 'recipe',
      name: 'Knowledge base answer',
      departmentIds: ['support', 'sales'],
    },
    {
      id: 'rcp-translate-manual',
      type: 'recipe',
      name: 'Operator manual translator',
      departmentIds: ['operations'],
    },
    {
      id: 'rcp-meeting-notes',
      type: 'recipe',
      name: 'Meeting notes to action items',
      departmentIds: [],
      memberHandles: ['maria.chen', 'priya.raman', 'amara.nwosu'],
    },
    {
      id: 'rcp-phishing-triage',
      type: 'recipe',
      name: 'Phishing report triage',
      departmentIds: ['security'],
    },
    {
      id: 'wf-weekly-kpi',
      type: 'workflow',
      name: 'Weekly KPI digest',
      departmentIds: ['operations', 'finance'],
    },
    {
      id: 'wf-escalation-router',
      type: 'workflow',
      name: 'Support escalation router',
      departmentIds: ['support'],
    },
    {
      id: 'wf-deal-desk',
      type: 'workflow',
      name: 'Deal desk approval pack',
      departmentIds: ['sales', 'finance'],
    },
    {
      id: 'wf-nightly-eval',
      type: 'workflow',
      name: 'Nightly model evaluation',
      departmentIds: ['research'],
    },
    {
      id: 'wf-vendor-intake',
      type: 'workflow',
      name: 'Vendor security questionnaire intake',
      departmentIds: ['security', 'legal'],
    },
    {
      id: 'wf-onboarding',
      type: 'workflow',
      name: 'New hire onboarding pack',
      departmentIds: ['operations'],
      memberHandles: ['sofia.alvarez'],
    },
    {
      id: 'wf-firmware-changelog',
      type: 'workflow',
      name: 'Firmware changelog to customer notice',
      departmentIds: ['engineering', 'support'],
    },
    {
      id: 'wf-board-pack',
      type: 'workflow',
      name: 'Quarterly board pack',
      departmentIds: [],
      memberHandles: ['maria.chen', 'amara.nwosu'],
    },
  ],
  apiKeys: [
    {
      id: 'key-anthropic-prod',
      provider: 'anthropic',
      status: 'valid',
      createdAt: 212,
      lastUsedAt: 0.04,
    },
    { id: 'key-openai-prod', provider: 'openai', status: 'valid', createdAt: 180, lastUsedAt: 0.1 },
    {
      id: 'key-anthropic-research',
      provider: 'anthropic',
      status: 'valid',
      createdAt: 95,
      lastUsedAt: 2,
    },
    // Stale: valid but unused for more than 90 days.
    {
      id: 'key-openai-legacy',
      provider: 'openai',
      status: 'valid',
      createdAt: 410,
      lastUsedAt: 131,
    },
    {
      id: 'key-anthropic-2024',
      provider: 'anthropic',
      status: 'revoked',
      createdAt: 300,
      lastUsedAt: 61,
    },
    {
      id: 'key-google-gemini',
      provider: 'google',
      status: 'invalid',
      createdAt: 41,
      lastUsedAt: 12,
    },
    { id: 'key-azure-openai', provider: 'azure_openai', status: 'valid', createdAt: 19 },
  ],
  auditEvents: 5200,
  auditDays: 45,
  authFailures: 46,
  blockedIps: [
    {
      id: 'blk-credential-stuffing',
      ip: '192.0.2.44',
      reason: 'Credential stuffing: 38 failed sign-ins in 10 minutes',
      blockedAt: 6,
      expiresAt: -24,
    },
    {
      id: 'blk-password-spray',
      ip: '192.0.2.77',
      reason: 'Password spraying across 12 accounts',
      blockedAt: 2,
    },
    {
      id: 'blk-scraper',
      ip: '198.18.0.23',
      reason: 'Automated scraping of shared workflows',
      blockedAt: 40,
      expiresAt: 33,
    },
    {
      id: 'blk-tor-exit',
      ip: '192.0.2.10',
      reason: 'Sign-in attempts from a Tor exit node',
      blockedAt: 20,
      expiresAt: 13,
    },
  ],
  usageSpikes: [
    { handle: 'aisha.khan', resourceId: 'rcp-sensor-anomaly', daysAgo: 9, perHour: 420 },
    { handle: 'ben.carter', resourceId: 'wf-nightly-eval', daysAgo: 3, perHour: 310 },
  ],
  compliance: {
    frameworks: ['soc2', 'gdpr'],
    piiDetection: {
      enabled: true,
      mode: 'redact',
      entities: ['email', 'phone_number', 'credit_card', 'us_ssn', 'person_name', 'ip_address'],
    },
    dataResidency: {
      prompts: 'cloud_redacted',
      completions: 'cloud_sync',
      uploadedFiles: 'local_only',
      executionLogs: 'cloud_sync',
      embeddings: 'local_only',
    },
    retention: { auditLogDays: 730, executionLogDays: 365, deletedResourceDays: 30 },
  },
};

export const GLOBEX: AccountSpec = {
  id: 'globex-labs',
  name: 'Globex Labs',
  plan: 'pro',
  domain: 'globexlabs.example',
  createdDaysAgo: 140,
  departments: { product: 'Product', growth: 'Growth' },
  people: [
    {
      handle: 'hank.scorpio',
      displayName: 'Hank Scorpio',
      role: 'owner',
      departments: ['product'],
      activity: 3,
      lastActiveHoursAgo: 5,
      mfaPhone: '+16505550201',
      emailVerified: true,
    },
    {
      handle: 'ada.byrne',
      displayName: 'Ada Byrne',
      role: 'admin',
      departments: ['product', 'growth'],
      activity: 2,
      lastActiveHoursAgo: 20,
      emailVerified: true,
    },
    {
      handle: 'raj.mehta',
      displayName: 'Raj Mehta',
      role: 'member',
      departments: ['growth'],
      activity: 4,
      lastActiveHoursAgo: 2,
      emailVerified: true,
    },
    {
      handle: 'zoe.martin',
      displayName: 'Zoe Martin',
      role: 'member',
      departments: ['product'],
      activity: 2,
      lastActiveHoursAgo: 30,
      emailVerified: true,
    },
    {
      handle: 'ivan.novak',
      displayName: 'Ivan Novak',
      role: 'viewer',
      departments: ['growth'],
      activity: 1,
      lastActiveHoursAgo: 70,
    },
  ],
  resources: [
    { id: 'rcp-ad-copy', type: 'recipe', name: 'Ad copy variants', departmentIds: ['growth'] },
    { id: 'rcp-prd-review', type: 'recipe', name: 'PRD reviewer', departmentIds: ['product'] },
    {
      id: 'wf-churn-digest',
      type: 'workflow',
      name: 'Churn interview digest',
      departmentIds: ['product', 'growth'],
    },
  ],
  apiKeys: [
    { id: 'key-openai', provider: 'openai', status: 'valid', createdAt: 120, lastUsedAt: 0.2 },
  ],
  auditEvents: 120,
  auditDays: 30,
  authFailures: 3,
  blockedIps: [],
  usageSpikes: [],
  compliance: {
    frameworks: ['gdpr'],
    piiDetection: { enabled: false, mode: 'detect', entities: [] },
    dataResidency: { prompts: 'cloud_sync', completions: 'cloud_sync' },
    retention: { auditLogDays: 90 },
  },
};

export const INITECH: AccountSpec = {
  id: 'initech-systems',
  name: 'Initech Systems',
  plan: 'enterprise',
  domain: 'initech.example',
  createdDaysAgo: 75,
  departments: { finance: 'Finance' },
  people: [
    {
      handle: 'bill.lumbergh',
      displayName: 'Bill Lumbergh',
      role: 'owner',
      departments: ['finance'],
      activity: 2,
      lastActiveHoursAgo: 8,
      mfaPhone: '+16505550301',
      emailVerified: true,
    },
    {
      handle: 'joan.harper',
      displayName: 'Joan Harper',
      role: 'auditor',
      departments: ['finance'],
      activity: 1,
      lastActiveHoursAgo: 50,
      emailVerified: true,
    },
    {
      handle: 'peter.gibbons',
      displayName: 'Peter Gibbons',
      role: 'member',
      departments: ['finance'],
      activity: 3,
      lastActiveHoursAgo: 1,
      emailVerified: true,
    },
  ],
  resources: [
    {
      id: 'rcp-tps-report',
      type: 'recipe',
      name: 'TPS report cover sheet',
      departmentIds: ['finance'],
    },
  ],
  apiKeys: [
    { id: 'key-anthropic', provider: 'anthropic', status: 'valid', createdAt: 70, lastUsedAt: 1 },
  ],
  auditEvents: 60,
  auditDays: 30,
  authFailures: 2,
  blockedIps: [],
  usageSpikes: [],
  compliance: {
    frameworks: ['soc2'],
    piiDetection: { enabled: true, mode: 'detect', entities: ['email'] },
    dataResidency: { prompts: 'cloud_sync' },
    retention: { auditLogDays: 365 },
  },
};

export const DEMO_ACCOUNTS: readonly AccountSpec[] = [ACME, GLOBEX, INITECH];

/** The demo password of every seeded person (local emulators only). */
export const DEMO_PASSWORD = 'demo-password-123';
