import type { z } from 'zod';
import type { incidentRunbookSchema } from '../schema/catalogs';

/**
 * The incident response runbook: severities with first-response SLAs, and six procedures across
 * the four phases. Step SLAs count minutes from the start of their procedure.
 */
export const INCIDENT_RUNBOOK: z.input<typeof incidentRunbookSchema> = {
  severities: [
    {
      severity: 'P1',
      name: 'Critical',
      description:
        'Confirmed or likely exposure of customer data, unauthorized access to an account, or the evidence API down for all customers',
      responseSlaMinutes: 15,
    },
    {
      severity: 'P2',
      name: 'High',
      description:
        'Major degradation: evidence reports failing or degraded for many accounts, quarterly archive run failed, signing unavailable',
      responseSlaMinutes: 60,
    },
    {
      severity: 'P3',
      name: 'Medium',
      description:
        'Partial impact with a workaround: one section degraded, cache outage slowing reports, a single account affected',
      responseSlaMinutes: 240,
    },
    {
      severity: 'P4',
      name: 'Low',
      description:
        'No customer impact: a suspicious but blocked event, a documentation error, a dependency advisory without exposure',
      responseSlaMinutes: 1440,
    },
  ],
  procedures: [
    {
      id: 'detection-triage',
      name: 'Detection and triage',
      phase: 'detection_triage',
      severity: null,
      steps: [
        {
          order: 1,
          action:
            'Acknowledge the page and open an incident record with the triggering alert attached',
          responsibleRole: 'On-call engineer',
          slaMinutes: 5,
          tools: ['PagerDuty', 'Google Cloud Monitoring'],
          escalationTrigger:
            'Page not acknowledged within 5 minutes: PagerDuty escalates to the secondary on-call',
        },
        {
          order: 2,
          action:
            'Assess scope from Cloud Logging, audit logs and security events; assign severity P1–P4 from the definitions',
          responsibleRole: 'On-call engineer',
          slaMinutes: 15,
          tools: ['Google Cloud Logging', 'Evidence API audit-logs endpoint', 'Firestore console'],
          escalationTrigger:
            'Any sign of customer data exposure or account takeover: declare P1 immediately',
        },
        {
          order: 3,
          action: 'Open a private incident channel and name an incident commander for P1 and P2',
          responsibleRole: 'Incident commander',
          slaMinutes: 20,
          tools: ['Slack', 'PagerDuty'],
          escalationTrigger:
            'No incident commander available within 20 minutes: page the Head of Engineering',
        },
      ],
    },
    {
      id: 'containment-data-breach',
      name: 'Containment: customer data breach',
      phase: 'containment',
      severity: 'P1',
      steps: [
        {
          order: 1,
          action:
            'Revoke refresh tokens of implicated identities and disable compromised service account keys',
          responsibleRole: 'Security engineer',
          slaMinutes: 15,
          tools: ['Firebase Auth admin SDK', 'Google Cloud IAM'],
          escalationTrigger:
            'Exfiltration still observed after revocation: involve Google Cloud support (P1 case)',
        },
        {
          order: 2,
          action:
            'Preserve evidence: export relevant audit logs and Cloud Logging entries to a locked bucket with retention policy',
          responsibleRole: 'Security engineer',
          slaMinutes: 60,
          tools: ['Google Cloud Logging', 'Cloud Storage bucket lock', 'Evidence bundle builder'],
          escalationTrigger:
            'Logs needed for scoping are missing or past retention: inform legal counsel at once',
        },
        {
          order: 3,
          action:
            'Determine affected accounts and data categories; notify legal and the DPO to start the 72-hour GDPR clock',
          responsibleRole: 'Incident commander',
          slaMinutes: 240,
          tools: ['Firestore console', 'Google Workspace (legal hold)', 'Slack'],
          escalationTrigger:
            'Personal data of EU residents confirmed affected: CEO and DPO decide on regulator notification',
        },
      ],
    },
    {
      id: 'containment-unauthorized-access',
      name: 'Containment: unauthorized account access',
      phase: 'containment',
      severity: 'P1',
      steps: [
        {
          order: 1,
          action: 'Block the source IPs and disable the affected member and Firebase Auth user',
          responsibleRole: 'Security engineer',
          slaMinutes: 15,
          tools: ['blockedIps collection', 'Firebase Auth admin SDK'],
          escalationTrigger:
            'Access continues from new addresses after blocking: escalate to Head of Security',
        },
        {
          order: 2,
          action:
            'Review role.assign, member.invite and apikey events of the account since the first suspicious sign-in and roll back changes',
          responsibleRole: 'Security engineer',
          slaMinutes: 60,
          tools: ['Evidence API audit-logs endpoint', 'Access history collection'],
          escalationTrigger:
            'Privilege escalation to owner or admin found: notify the account owner by phone',
        },
        {
          order: 3,
          action:
            'Require MFA re-enrollment for the affected users and rotate any API keys they could see',
          responsibleRole: 'Customer success lead',
          slaMinutes: 240,
          tools: ['Firebase Auth', 'Host product key management'],
          escalationTrigger:
            'Customer cannot be reached within 4 hours: keep the account suspended and escalate to the CTO',
        },
      ],
    },
    {
      id: 'containment-service-outage',
      name: 'Containment: service outage',
      phase: 'containment',
      severity: 'P2',
      steps: [
        {
          order: 1,
          action: 'Post a status page notice and check the Google Cloud and Upstash status pages',
          responsibleRole: 'Incident commander',
          slaMinutes: 30,
          tools: ['Status page', 'Google Cloud Status Dashboard', 'Upstash status'],
          escalationTrigger: 'All accounts affected for more than 30 minutes: raise to P1',
        },
        {
          order: 2,
          action:
            'Roll back to the last healthy Cloud Functions revision or route around the failing dependency (serve uncached)',
          responsibleRole: 'On-call engineer',
          slaMinutes: 60,
          tools: ['Firebase CLI', 'Cloud Run revisions', 'GitHub Actions'],
          escalationTrigger:
            'Rollback does not restore service within 60 minutes: page the platform lead',
        },
      ],
    },
    {
      id: 'eradication-recovery',
      name: 'Eradication and recovery',
      phase: 'eradication_recovery',
      severity: null,
      steps: [
        {
          order: 1,
          action:
            'Remove the root cause: patch, rotate the affected secrets or signing key, redeploy from main',
          responsibleRole: 'On-call engineer',
          slaMinutes: 240,
          tools: ['GitHub', 'Secret Manager', 'Firebase CLI'],
          escalationTrigger:
            'Fix needs a signing key rotation: security lead approves and publishes the new public key',
        },
        {
          order: 2,
          action:
            'Verify recovery: evidence report complete for sample accounts, latest bundles verify with the published key',
          responsibleRole: 'Incident commander',
          slaMinutes: 480,
          tools: ['soc2-evidence verify CLI', 'Evidence API', 'Google Cloud Monitoring'],
          escalationTrigger: 'Any bundle fails verification: reopen as P1 data-integrity incident',
        },
      ],
    },
    {
      id: 'post-mortem',
      name: 'Post-mortem',
      phase: 'post_mortem',
      severity: null,
      steps: [
        {
          order: 1,
          action:
            'Write a blameless post-mortem with timeline, impact, root cause and action items',
          responsibleRole: 'Incident commander',
          slaMinutes: 2880,
          tools: ['Google Workspace', 'Slack channel export'],
          escalationTrigger:
            'Post-mortem not circulated within 2 business days: Head of Engineering follows up',
        },
        {
          order: 2,
          action:
            'Review with engineering and security leads; file action items with owners and due dates',
          responsibleRole: 'Head of Engineering',
          slaMinutes: 10080,
          tools: ['GitHub issues', 'Google Workspace'],
          escalationTrigger:
            'P1 action item past due: reported to the CEO at the weekly security review',
        },
      ],
    },
  ],
};
