/**
 * The one way tests build `Deps`: typed, so a test that forgets a part fails to compile or says
 * which part it lacked, instead of an `as Deps` cast hiding it.
 */
import type { Auth } from 'firebase-admin/auth';
import type { DocumentData, DocumentReference, Firestore } from 'firebase-admin/firestore';
import type { EvidenceCache } from '../../functions/adapters/cache';
import { defaultDeps, type Deps } from '../../functions/app/deps';

/** Emulator tests: the production wiring against the local stack, with the parts a test swaps. */
export function testDeps(overrides: Partial<Deps> = {}): Deps {
  return { ...defaultDeps(), ...overrides };
}

/** What a unit test supplies; anything else is absent. */
export interface UnitDepsParts {
  db?: Partial<Firestore>;
  auth?: Partial<Auth>;
  now?: () => Date;
  cache?: Partial<EvidenceCache>;
  evidenceStore?: Deps['evidenceStore'];
  signer?: Deps['signer'];
  reportQueue?: Deps['reportQueue'];
}

/**
 * Unit tests: nothing real behind the Deps, so no test reaches a network by accident. Using a
 * part the test did not supply throws an error naming it.
 */
export function unitDeps(parts: UnitDepsParts = {}): Deps {
  return {
    db: standIn('db', parts.db),
    auth: standIn('auth', parts.auth),
    now: parts.now ?? absent('now'),
    cache: standIn('cache', parts.cache),
    evidenceStore: parts.evidenceStore ?? absent('evidenceStore'),
    signer: parts.signer ?? absent('signer'),
    reportQueue: parts.reportQueue ?? absent('reportQueue'),
  };
}

const absent = (name: string) => (): never => {
  throw new Error(`Deps.${name} is not provided by this unit test`);
};

/** `given` completed to a T whose missing members throw when called. */
function standIn<T extends object>(name: string, given: Partial<T> = {}): T {
  return new Proxy(given, {
    get: (target, member) =>
      member in target || typeof member === 'symbol' || member === 'then'
        ? Reflect.get(target, member)
        : absent(`${name}.${member}`),
  }) as T;
}

/**
 * Firestore's `doc(path).get()` and `getAll(...refs)` over fixed documents, for code that only
 * reads single documents.
 */
export function documentsReader(documents: Record<string, DocumentData>): Partial<Firestore> {
  type Ref = { get: () => Promise<unknown> };
  return {
    getAll: ((...refs: Ref[]) =>
      Promise.all(refs.map((ref) => ref.get()))) as unknown as Firestore['getAll'],
    doc: (path: string) =>
      ({
        path,
        get: async () => ({
          exists: path in documents,
          ref: { path },
          data: () => documents[path],
        }),
      }) as unknown as DocumentReference,
  };
}
