import type { z } from 'zod';
import type { encryptionControlSchema } from '../schema/catalogs';

/**
 * Every place this deployment encrypts, signs or hashes data. `sourceModule` is a file of this
 * repository where the product implements or relies on the control, or a named platform component
 * where Google or a vendor does it alone (a unit test checks that every repository path exists).
 */
export const ENCRYPTION_CONTROLS: z.input<typeof encryptionControlSchema>[] = [
  {
    id: 'firestore-at-rest',
    name: 'Cloud Firestore encryption at rest',
    algorithm: 'AES-256-GCM data keys wrapped by Google-managed key encryption keys',
    keySizeBits: 256,
    scope:
      'Every document under accounts/{accountId}: members, audit logs, API key status, settings, audit rollups, access history and the evidence archive index',
    appliesTo: 'at_rest',
    managedBy: 'Google Cloud (default encryption at rest)',
    sourceModule: 'functions/adapters/firebase.ts',
  },
  {
    id: 'storage-bundles-at-rest',
    name: 'Cloud Storage evidence bundles at rest',
    algorithm: 'AES-256-GCM data keys wrapped by Google-managed key encryption keys',
    keySizeBits: 256,
    scope: 'Quarterly evidence bundles (zip: manifest, signature, report, CSVs, audit log)',
    appliesTo: 'at_rest',
    managedBy: 'Google Cloud (default encryption at rest)',
    sourceModule: 'functions/adapters/storage.ts',
  },
  {
    id: 'cmek-optional',
    name: 'Customer-managed encryption keys (optional)',
    algorithm: 'Cloud KMS CMEK: AES-256-GCM key encryption key, rotated every 90 days',
    keySizeBits: 256,
    scope:
      'Firestore database and evidence bucket, for enterprise customers who require keys under their own control and revocation',
    appliesTo: 'at_rest',
    managedBy: 'Customer, through Cloud KMS',
    sourceModule: 'Cloud KMS (platform)',
  },
  {
    id: 'hosting-tls',
    name: 'Firebase Hosting TLS for the /api endpoint',
    algorithm:
      'TLS 1.3 (TLS 1.2 minimum) with ECDHE key exchange (X25519 / P-256) and AES-GCM or ChaCha20-Poly1305; HSTS',
    keySizeBits: 256,
    scope: 'All /api/** requests from the host product, auditors and the verify CLI',
    appliesTo: 'in_transit',
    managedBy: 'Google (Firebase Hosting managed certificates)',
    sourceModule: 'firebase.json',
  },
  {
    id: 'google-api-tls',
    name: 'Service-to-service traffic to Google APIs',
    algorithm: 'TLS 1.3 with ECDHE over gRPC/HTTPS; ALTS inside Google production network',
    keySizeBits: 256,
    scope:
      'Cloud Functions (2nd gen, Cloud Run) calls to Firestore, Cloud Storage, Secret Manager and Cloud Logging',
    appliesTo: 'in_transit',
    managedBy: 'Google Cloud',
    sourceModule: 'functions/adapters/firebase.ts',
  },
  {
    id: 'upstash-tls',
    name: 'Upstash Redis REST traffic',
    algorithm: 'TLS 1.2+ with ECDHE-RSA-AES256-GCM-SHA384; bearer token from Secret Manager',
    keySizeBits: 256,
    scope: 'Cache reads and writes of evidence reports and sections (5-minute TTL)',
    appliesTo: 'in_transit',
    managedBy: 'Upstash',
    sourceModule: 'functions/adapters/cache.ts',
  },
  {
    id: 'upstash-at-rest',
    name: 'Upstash Redis at rest',
    algorithm: 'AES-256 disk encryption of the Redis database and its backups',
    keySizeBits: 256,
    scope: 'Cached evidence reports (member emails, roles, counts) for at most 5 minutes',
    appliesTo: 'at_rest',
    managedBy: 'Upstash',
    sourceModule: 'functions/adapters/cache.ts',
  },
  {
    id: 'manifest-signing',
    name: 'Evidence bundle manifest signature',
    algorithm: 'Ed25519 (RFC 8032) over the exact bytes of manifest.json',
    keySizeBits: 256,
    scope:
      'manifest.json of every quarterly bundle; the raw 64-byte signature ships as manifest.sig and checks with plain openssl',
    appliesTo: 'both',
    managedBy: 'This service (private key held in Secret Manager)',
    sourceModule: 'functions/adapters/signer.ts',
  },
  {
    id: 'secret-manager',
    name: 'Signing key and cache token storage',
    algorithm:
      'Secret Manager envelope encryption: AES-256-GCM data key per secret version, wrapped by a Cloud KMS key encryption key',
    keySizeBits: 256,
    scope:
      'SIGNING_PRIVATE_KEY (Ed25519, PKCS#8), UPSTASH_REDIS_REST_TOKEN; read only at run time by the functions bound to them',
    appliesTo: 'at_rest',
    managedBy: 'Google Cloud Secret Manager (Cloud KMS HSM key as an alternative)',
    sourceModule: 'functions/config.ts',
  },
  {
    id: 'bundle-file-hashes',
    name: 'Bundle file hashes and quarter chain',
    algorithm: 'SHA-256',
    keySizeBits: null,
    scope:
      'Every file of a bundle, listed with its size in manifest.json; the previous manifest hash links quarters into a chain',
    appliesTo: 'both',
    managedBy: 'This service',
    sourceModule: 'functions/bundle/builder.ts',
  },
  {
    id: 'audit-merkle-tree',
    name: 'Audit log Merkle tree',
    algorithm: 'SHA-256 Merkle tree with RFC 6962 leaf (0x00) and node (0x01) prefixes',
    keySizeBits: null,
    scope: 'Each line of audit-log.ndjson; the root is signed as part of manifest.json',
    appliesTo: 'at_rest',
    managedBy: 'This service',
    sourceModule: 'functions/bundle/merkle.ts',
  },
  {
    id: 'id-token-verification',
    name: 'Firebase ID token verification',
    algorithm: 'RS256 (RSASSA-PKCS1-v1_5 with SHA-256), Google-rotated signing keys',
    keySizeBits: 2048,
    scope:
      'Bearer token of every API call, verified with a revocation check before any data is read',
    appliesTo: 'in_transit',
    managedBy: 'Google (Firebase Authentication)',
    sourceModule: 'functions/http/authz.ts',
  },
  {
    id: 'password-hashing',
    name: 'Firebase Auth password hashes',
    algorithm: 'Firebase modified scrypt with a per-user salt and a project signer key',
    keySizeBits: null,
    scope: 'Passwords of host-product users who sign in with email and password',
    appliesTo: 'at_rest',
    managedBy: 'Google (Firebase Authentication)',
    sourceModule: 'Firebase Authentication (platform)',
  },
  {
    id: 'signed-download-urls',
    name: 'Bundle download links',
    algorithm: 'Cloud Storage V4 signed URLs (RSA-SHA256 via IAM signBlob), 15-minute expiry',
    keySizeBits: 2048,
    scope: 'Auditor downloads of evidence bundles over HTTPS',
    appliesTo: 'in_transit',
    managedBy: 'Google Cloud IAM (Google-managed service account keys)',
    sourceModule: 'functions/adapters/storage.ts',
  },
  {
    id: 'cloud-logging-at-rest',
    name: 'Cloud Logging at rest',
    algorithm: 'AES-256 (Google default encryption); 30-day retention in the _Default bucket',
    keySizeBits: 256,
    scope: 'Structured function logs, which never contain ID tokens or key material',
    appliesTo: 'at_rest',
    managedBy: 'Google Cloud Logging',
    sourceModule: 'Google Cloud Logging (platform)',
  },
];
