import type { UserRecord } from 'firebase-admin/auth';
import type { Query } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { reportAccessChanges } from '../audit/accessRecent';
import { summarizeAuditLog } from '../audit/summary';
import { listedByPath, parseDocument, parseSnapshot, type StoredDocument } from '../schema/common';
import {
  apiKeySchema,
  blockedIpSchema,
  complianceSettingsSchema,
  departmentSchema,
  memberSchema,
  resourceSchema,
  securityEventSchema,
  type ComplianceSettings,
} from '../schema/documents';
import type { IdentityFacts } from '../schema/evidence';
import { complianceSettingsPath, subcollectionPath } from '../schema/paths';
import type { z } from 'zod';
import { readResourceDigest } from './resourceDigest';
import { windowStartOf, type ParsedCollection } from './types';

/** `getUsers` accepts at most 100 identifiers per call. */
export const AUTH_BATCH_SIZE = 100;

type CollectionName = Parameters<typeof subcollectionPath>[1];

/**
 * The stored data one report reads, each piece fetched at most once however many sections use it
 * (the API keys feed two sections), and parsed with its schema: malformed documents are logged
 * and listed, never dropped silently. `documentsRead` counts what Firestore billed as reads, and
 * `readsBySource` the same per source (members, auditRollups, …), to show where reads go.
 */
export class ReportSources {
  documentsRead = 0;
  readonly readsBySource: Record<string, number> = {};
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: Deps,
    readonly accountId: string,
    readonly asOf: Date,
  ) {}

  private billed(source: string, reads: number): void {
    this.documentsRead += reads;
    this.readsBySource[source] = (this.readsBySource[source] ?? 0) + reads;
  }

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.memo.get(key) as Promise<T> | undefined;
    if (!pending) this.memo.set(key, (pending = load()));
    return pending;
  }

  private async parsedQuery<S extends z.ZodType>(
    collection: CollectionName,
    schema: S,
    narrow: (query: Query) => Query = (q) => q,
  ): Promise<ParsedCollection<z.output<S>>> {
    const snapshot = await narrow(
      this.deps.db.collection(subcollectionPath(this.accountId, collection)),
    ).get();
    // An empty result is still billed as one read.
    this.billed(collection, Math.max(snapshot.size, 1));
    return this.parsed(schema, snapshot.docs);
  }

  private parsed<S extends z.ZodType>(
    schema: S,
    documents: readonly StoredDocument[],
  ): ParsedCollection<z.output<S>> {
    const { docs, malformed } = parseSnapshot(schema, documents, {
      accountId: this.accountId,
      purpose: 'evidence report',
    });
    return { docs, malformed: listedByPath(malformed) };
  }

  members = () => this.once('members', () => this.parsedQuery('members', memberSchema));
  departments = () =>
    this.once('departments', () => this.parsedQuery('departments', departmentSchema));
  /** From the resource digest when it stands in for the collection (resourceDigest.ts). */
  resources = () =>
    this.once('resources', async () => {
      const digest = await readResourceDigest(this.deps.db, this.accountId);
      this.billed('resourceDigest', digest.reads);
      if (!digest.usable) {
        logger.info('resource digest not used; reading every resource', {
          accountId: this.accountId,
          reason: digest.reason,
        });
        return this.parsedQuery('resources', resourceSchema);
      }
      return this.parsed(resourceSchema, digest.documents);
    });
  apiKeys = () => this.once('apiKeys', () => this.parsedQuery('apiKeys', apiKeySchema));
  blockedIps = () => this.once('blockedIps', () => this.parsedQuery('blockedIps', blockedIpSchema));

  /** Security events of the report window only (the timestamp index bounds the read). */
  securityEvents = () =>
    this.once('securityEvents', () =>
      this.parsedQuery('securityEvents', securityEventSchema, (q) =>
        q.where('timestamp', '>=', windowStartOf(this.asOf)).where('timestamp', '<=', this.asOf),
      ),
    );

  /**
   * `settings/compliance`, or undefined when the account has none. A malformed document throws
   * its ValidationError: the settings sections are then degraded rather than showing defaults
   * the account did not choose.
   */
  complianceSettings = () =>
    this.once('settings', async (): Promise<ComplianceSettings | undefined> => {
      const snapshot = await this.deps.db.doc(complianceSettingsPath(this.accountId)).get();
      this.billed('settings', 1);
      if (!snapshot.exists) return undefined;
      const parsed = parseDocument(complianceSettingsSchema, snapshot.ref.path, snapshot.data());
      if (parsed.ok) return parsed.value;
      logger.warn('malformed compliance settings', {
        accountId: this.accountId,
        problem: parsed.error.message,
      });
      throw parsed.error;
    });

  /**
   * Role and department changes of the report window, from the audit pipeline's history (its
   * accessRecent digest when built; both billed as accessHistory).
   */
  accessChanges = () =>
    this.once('accessChanges', async () => {
      const history = await reportAccessChanges(
        this.deps.db,
        this.accountId,
        windowStartOf(this.asOf),
      );
      this.billed('accessHistory', history.documentReads);
      return { changes: history.changes, malformed: listedByPath(history.malformed) };
    });

  /** The audit-log summary from the audit pipeline's rollups (exact at any volume). */
  async auditLogSummary(windowDays: number) {
    const summary = await summarizeAuditLog(this.deps.db, this.accountId, this.asOf, windowDays);
    this.billed('auditRollups', summary.documentReads);
    return summary;
  }

  /** Firebase Auth facts for these uids, fetched in batches of 100 in parallel. */
  async identities(uids: readonly string[]): Promise<Map<string, IdentityFacts>> {
    const batches: string[][] = [];
    for (let i = 0; i < uids.length; i += AUTH_BATCH_SIZE) {
      batches.push(uids.slice(i, i + AUTH_BATCH_SIZE));
    }
    const results = await Promise.all(
      batches.map((batch) => this.deps.auth.getUsers(batch.map((uid) => ({ uid })))),
    );
    return new Map(results.flatMap((r) => r.users.map((u) => [u.uid, identityFactsOf(u)])));
  }
}

/** The identity facts an auditor needs, from an Auth user record. */
export function identityFactsOf(user: UserRecord): IdentityFacts {
  const factors = user.multiFactor?.enrolledFactors ?? [];
  const lastSignIn = user.metadata.lastSignInTime;
  return {
    disabled: user.disabled,
    emailVerified: user.emailVerified,
    mfaEnrolled: factors.length > 0,
    mfaFactors: factors.map((f) => f.factorId),
    lastSignInAt: lastSignIn ? new Date(lastSignIn).toISOString() : null,
    providers: user.providerData.map((p) => p.providerId).sort(),
  };
}
