import { BUNDLE_FILES as F, MERKLE_ALGORITHM } from '../schema/bundle';
import type { Period } from './period';

/** README.txt: what each file is and how to check the bundle with nothing but openssl. */
export function bundleReadme(accountId: string, period: Period): string {
  return `SOC 2 evidence bundle
=====================
Account: ${accountId}
Period:  ${period.id}  [${period.start.toISOString()}, ${period.end.toISOString()})  (end exclusive, UTC)

Files
-----
${F.manifest}        Index of this bundle: account, period, SHA-256 and size of every other file,
                     audit event count, Merkle root over ${F.auditLog}, signing key id, and the
                     SHA-256 of the previous bundle's manifest.json for this account (a chain).
${F.signature}         Raw 64-byte Ed25519 signature over the exact bytes of ${F.manifest}.
${F.report}          The evidence report as of the period end, every section with its status
                     ("ok" or "degraded" with the error that degraded it).
${F.accessReview}    Every member: role, level, departments, permissions, last activity.
${F.auditLog}     Every audit event of the period, one JSON object per line, ordered by
                     timestamp then id. A stored event that did not match the schema is kept as
                     found: {"id", "malformed": true, "problem", "raw"}.
${F.auditLogSummary} Exact counts for the period: total, malformed, per action, result, actor.
${F.vendors}          Vendor register (sub-processors, SOC 2 status, risk, reviews).
${F.encryption}       Encryption controls in force.
${F.incidentResponse} Incident-response runbook: severities with SLAs, procedures per phase.
${F.changes}         What changed since the previous bundle: members added and removed, role
                     changes, API keys created and revoked, settings and catalog changes.
${F.compliance}     Control testing of the period: "controlResults" (per control and UTC day:
                     first and last result, every status seen, evaluation count), the
                     "findings" and "incidents" open at any time in the period (with their
                     history and timelines), and what was stored malformed ("malformed",
                     "malformedControlResults") instead of being dropped. Since manifest
                     version 2; "periodStart"/"periodEnd" equal the manifest's period.
${F.oscal}
                     The same control testing as OSCAL 1.0.6 assessment results (NIST), for
                     GRC tools: one result for the period, one observation (method TEST) per
                     control result with the measured value, threshold and the files it rests
                     on with their SHA-256, one finding per finding, a risk per high or critical
                     finding. Since manifest version 3, as is ${F.reportPdf}.
${F.accessReviews} Access-review campaigns active in the period (created before its end,
                     not signed off before its start): the access frozen per member, each
                     decision with its justification and earlier decisions, the sign-off, and
                     whether each revocation or role change was carried out (remediated, with
                     when) or is outstanding. Since manifest version 3.
${F.reportPdf}           The report for people: every section with its status and collection time,
                     control results and their daily trend, findings, incidents, and this
                     text. Its cover prints the Merkle root, event count and the SHA-256 of
                     ${F.report} and ${F.compliance} that ${F.manifest} carries (the manifest lists
                     the PDF, so the PDF cannot print the manifest's own hash).
${F.readme}           This file.

${verifyInstructions()}`;
}

/** How to check a bundle with openssl and the offline verifier (README.txt's last part). */
export function verifyInstructions(): string {
  return `Verify with plain openssl
-------------------------
1. Get the public key (SPKI PEM) for the key id in ${F.manifest} ("signature.keyId"):
     curl -s https://<your-host>/api/soc2-evidence/public-key | jq -r .publicKey > key.pem
2. Check the signature over the manifest:
     openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in ${F.manifest} -sigfile ${F.signature}
   It must print "Signature Verified Successfully".
3. Check every file against the manifest ("files": name, sha256, size):
     openssl dgst -sha256 ${F.report} ${F.accessReview} ${F.auditLog} ...
4. Count the audit events:  wc -l ${F.auditLog}  equals "eventCount".
5. Chain: openssl dgst -sha256 <previous bundle's ${F.manifest}> equals "previousManifestSha256".

The Merkle root ("merkle", ${MERKLE_ALGORITHM}) follows RFC 6962: leaf = SHA-256(0x00 || line
without its newline), node = SHA-256(0x01 || left || right), split at the largest power of two
below the leaf count. The offline verifier checks it together with everything above:
     npx soc2-evidence verify bundle.zip --public-key key.pem [--previous previous-manifest.json]
`;
}
