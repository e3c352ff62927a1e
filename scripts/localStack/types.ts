/**
 * Shapes shared by the local stack (`npm start`, `npm run stack`), the demo seeder and the tests.
 * Dev tooling only: nothing under functions/ imports this.
 */

/** The variables a command run inside the stack sees (CONTRACT §6 plus what the functions need). */
export interface StackEnv {
  /** `127.0.0.1:<port>`, no scheme (Firestore clients expect host:port). */
  FIRESTORE_EMULATOR_HOST: string;
  /** `127.0.0.1:<port>`, no scheme. */
  FIREBASE_AUTH_EMULATOR_HOST: string;
  /** `http://127.0.0.1:<port>`, with scheme (what @google-cloud/storage expects). */
  STORAGE_EMULATOR_HOST: string;
  /** `127.0.0.1:<port>`, no scheme: firebase-admin's storage() reads this one. */
  FIREBASE_STORAGE_EMULATOR_HOST: string;
  /** Always `demo-soc2`: a demo project id keeps every Google client offline. */
  GCLOUD_PROJECT: string;
  /** Hosting rewrite base URL, ending in `/api`. */
  EVIDENCE_API_URL: string;
  /** The `api` function called directly on the Functions emulator (no Hosting in between). */
  FUNCTIONS_EMULATOR_URL: string;
  /** The local Upstash-REST adapter in front of redis-server. */
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  /** Throwaway Ed25519 key made at start, PKCS#8 PEM. Never written to disk. */
  SIGNING_PRIVATE_KEY: string;
  /** `local-<first 8 hex of sha256(spki der)>`. */
  SIGNING_KEY_ID: string;
  EVIDENCE_BUCKET: string;
  /** Port of the raw redis-server (RESP), for tests that look behind the adapter. */
  REDIS_PORT: string;
  /**
   * `127.0.0.1:<port>` of the Cloud Tasks emulator firebase-tools runs beside the Functions
   * emulator: firebase-admin enqueues there (report jobs), and it dispatches to the functions.
   */
  CLOUD_TASKS_EMULATOR_HOST: string;
}

/** What `scripts/seed/demo.ts` returns, so `npm start` can print tokens for one user per role. */
export interface SeedResult {
  accounts: { id: string; name: string }[];
  /**
   * Every seeded person; `password` signs in to the portal unless `disabled` or `mfaEnrolled`
   * (a second factor, which the portal's sign-in does not offer yet).
   */
  users: {
    uid: string;
    email: string;
    password: string;
    disabled: boolean;
    mfaEnrolled: boolean;
    role: string;
    accountId: string;
  }[];
}

/** Signature of the seeder `npm start` calls (scripts/seed/demo.ts, written elsewhere). */
export type SeedDemo = (env: StackEnv) => Promise<SeedResult>;

/** Every TCP port one stack listens on. */
export interface StackPorts {
  hub: number;
  logging: number;
  auth: number;
  firestore: number;
  firestoreWebsocket: number;
  functions: number;
  hosting: number;
  eventarc: number;
  tasks: number;
  storage: number;
  redis: number;
  upstash: number;
}
