import { createHash } from 'node:crypto';
import { addDays } from '../domain/time';
import { URL_NAMESPACE, uuidV5 } from '../domain/uuid';
import type { ControlDayDoc, Control, ControlTestResult } from '../schema/compliance';
import type { EvidenceReport } from '../schema/evidence';
import { SECTION_SLUGS, type SectionKey } from '../schema/report';
import type { findingView } from './records';

/**
 * OSCAL 1.0.6 assessment results (NIST's JSON model, valid against the official schema in
 * shared/oscal) from the product's control tests: one result for the period; the SOC 2 criteria
 * the controls test as its reviewed controls; one observation (method TEST) per stored control
 * test result, with what was measured, the threshold, and the evidence it read with its SHA-256;
 * one finding per finding; and a risk for each high or critical finding.
 *
 * Every UUID is a version 5 UUID of the account, the period and the object's own id, so building
 * the document again from the same evidence gives the same identifiers (and, with the same
 * generation time, the same bytes).
 */

export const OSCAL_VERSION = '1.0.6';
/** Namespace of the product's own property names (OSCAL requires one for names it does not define). */
export const OSCAL_PROPERTY_NS = 'urn:soc2-evidence:oscal';
/** UUID v5 namespace of every identifier in the documents this product writes. */
export const OSCAL_UUID_NAMESPACE = uuidV5(OSCAL_PROPERTY_NS, URL_NAMESPACE);

/** Severities for which a finding is also a risk to the system, not only a failed test. */
export const RISK_SEVERITIES: readonly string[] = ['high', 'critical'];

type Finding = ReturnType<typeof findingView>;

/** A file or API answer an observation rests on. */
export interface EvidenceRef {
  href: string;
  description: string;
  /** Lower-case hex; absent where the evidence cannot be hashed from here (manifest.json). */
  sha256?: string;
  mediaType?: string;
}

export interface AssessmentInput {
  accountId: string;
  /** [start, end): end exclusive, as everywhere in the product. */
  period: { start: Date; end: Date };
  generatedAt: Date;
  /** The controls reviewed; results and findings of other controls are not expected. */
  controls: readonly Control[];
  results: readonly ControlTestResult[];
  findings: readonly Finding[];
  /** The evidence each control's results read. */
  evidence: (control: Control) => EvidenceRef[];
  /** Anything the reader must know about the inputs (e.g. malformed stored results). */
  remarks?: string;
}

/** A back-matter resource: the plan, or a piece of evidence with its hash. */
interface Resource {
  uuid: string;
  title: string;
  description: string;
  rlinks?: {
    href: string;
    'media-type'?: string;
    hashes?: { algorithm: string; value: string }[];
  }[];
}

interface Property {
  name: string;
  ns: string;
  value: string;
}

/** OSCAL strings may not be empty or start or end with whitespace; such a property is left out. */
function props(entries: [string, unknown][]): Property[] {
  return entries.flatMap(([name, raw]) => {
    const value = raw === null || raw === undefined ? '' : String(raw).trim();
    return value ? [{ name, ns: OSCAL_PROPERTY_NS, value }] : [];
  });
}

/** OSCAL arrays hold at least one item: an empty list is left out rather than written as []. */
const nonEmpty = <K extends string, T>(key: K, items: readonly T[]) =>
  (items.length > 0 ? { [key]: items } : {}) as Partial<Record<K, T[]>>;

const RISK_STATUS: Record<Finding['status'], string> = {
  open: 'open',
  in_progress: 'remediating',
  risk_accepted: 'deviation-approved',
  remediated: 'closed',
};

/** A control's results stop counting after a day: the daily run evaluates every control again. */
const RESULT_LIFETIME_DAYS = 1;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function buildAssessmentResults(input: AssessmentInput) {
  const { accountId, period, generatedAt } = input;
  const start = period.start.toISOString();
  const end = period.end.toISOString();
  const id = (kind: string, objectId: string) =>
    uuidV5(`${accountId}\n${start}\n${end}\n${kind}\n${objectId}`, OSCAL_UUID_NAMESPACE);
  const controlOf = new Map(input.controls.map((c) => [c.id, c]));
  const control = (controlId: string) => {
    const found = controlOf.get(controlId);
    if (!found) throw new Error(`control ${controlId} is not among the reviewed controls`);
    return found;
  };
  /** A finding may name a control the catalog no longer has: it is still reported. */
  const controlName = (controlId: string) =>
    controlOf.get(controlId)?.name ?? `control ${controlId} (not in the catalog)`;

  const resources = new Map<string, Resource>();
  const evidenceResource = (ref: EvidenceRef): Resource => ({
    uuid: id('resource', ref.href),
    title: ref.href,
    description: ref.description,
    rlinks: [
      {
        href: ref.href,
        ...(ref.mediaType ? { 'media-type': ref.mediaType } : {}),
        ...nonEmpty('hashes', ref.sha256 ? [{ algorithm: 'SHA-256', value: ref.sha256 }] : []),
      },
    ],
  });
  const relevantEvidence = (ref: EvidenceRef) => {
    const resource = resources.get(ref.href) ?? evidenceResource(ref);
    resources.set(ref.href, resource);
    return {
      href: ref.href,
      description: ref.description,
      ...nonEmpty('props', props([['sha256', ref.sha256]])),
      links: [{ href: `#${resource.uuid}`, rel: 'reference' }],
    };
  };

  const observations = input.results.map((result) => {
    const tested = control(result.controlId);
    return {
      uuid: id('observation', `${result.controlId}@${result.evaluatedAt}`),
      title: `${tested.name}: ${result.status}`,
      description: `${tested.test.description} ${result.detail}`,
      props: props([
        ['control-id', tested.id],
        ...tested.criteria.map((c): [string, string] => ['criterion', c]),
        ['result', result.status],
        ['measured', result.measured],
        ['threshold', result.threshold],
      ]),
      methods: ['TEST'],
      ...nonEmpty('relevant-evidence', input.evidence(tested).map(relevantEvidence)),
      collected: result.evaluatedAt,
      expires: addDays(new Date(result.evaluatedAt), RESULT_LIFETIME_DAYS).toISOString(),
      ...(result.offenders.length > 0
        ? { remarks: `Offenders: ${result.offenders.join(', ')}` }
        : {}),
      controlId: result.controlId,
      failed: result.status === 'fail',
    };
  });
  const failedObservations = (controlId: string) =>
    observations
      .filter((o) => o.failed && o.controlId === controlId)
      .map((o) => ({ 'observation-uuid': o.uuid }));

  const risky = input.findings.filter((f) => RISK_SEVERITIES.includes(f.severity));
  const risks = risky.map((f) => ({
    uuid: id('risk', f.id),
    title: f.title,
    description: `A ${f.severity} finding on ${controlName(f.controlId)}.`,
    statement: f.description || f.title,
    props: props([
      ['severity', f.severity],
      ['finding-status', f.status],
    ]),
    status: RISK_STATUS[f.status],
    ...dueBy(f.dueDate),
    ...nonEmpty('related-observations', failedObservations(f.controlId)),
  }));

  const findings = input.findings.map((f) => ({
    uuid: id('finding', f.id),
    title: f.title,
    description: f.description || f.title,
    props: props([
      ['finding-id', f.id],
      ['severity', f.severity],
      ['finding-status', f.status],
      ['source', f.source],
      ['due-date', f.dueDate],
      ['remediation-plan', f.remediationPlan],
    ]),
    target: {
      type: 'objective-id',
      'target-id': asToken(f.controlId),
      title: controlName(f.controlId),
      status: {
        state: f.status === 'remediated' ? 'satisfied' : 'not-satisfied',
        ...(f.status === 'risk_accepted' ? { reason: 'other', remarks: 'Risk accepted.' } : {}),
      },
    },
    ...nonEmpty('related-observations', failedObservations(f.controlId)),
    ...nonEmpty(
      'related-risks',
      RISK_SEVERITIES.includes(f.severity) ? [{ 'risk-uuid': id('risk', f.id) }] : [],
    ),
  }));

  const criteria = [...new Set(input.controls.flatMap((c) => c.criteria))].sort();
  const planUuid = id('resource', 'assessment-plan');
  const plan: Resource = {
    uuid: planUuid,
    title: 'Assessment plan: the automated control tests of soc2-evidence',
    description:
      'There is no separate OSCAL assessment plan: each control is tested automatically after evidence changes and daily, by the test each observation describes (its description, measured value and threshold).',
  };

  return {
    'assessment-results': {
      uuid: id('assessment-results', accountId),
      metadata: {
        title: `SOC 2 assessment results of account ${accountId}, ${start} to ${end}`,
        'last-modified': generatedAt.toISOString(),
        version: generatedAt.toISOString(),
        'oscal-version': OSCAL_VERSION,
        props: props([['account-id', accountId]]),
      },
      'import-ap': {
        href: `#${planUuid}`,
        remarks: 'The assessment plan is described in back-matter.',
      },
      results: [
        {
          uuid: id('result', 'period'),
          title: `Automated control tests, ${start} to ${end}`,
          description: `Results of the automated SOC 2 control tests of account ${accountId} in [${start}, ${end}).`,
          start,
          end,
          'reviewed-controls': {
            description:
              'SOC 2 (2017 Trust Services Criteria) criteria; each observation names the product control (property control-id) that tests them.',
            'control-selections': [
              { 'include-controls': criteria.map((c) => ({ 'control-id': c })) },
            ],
          },
          ...nonEmpty(
            'observations',
            observations.map(({ controlId: _c, failed: _f, ...o }) => o),
          ),
          ...nonEmpty('risks', risks),
          ...nonEmpty('findings', findings),
          ...(input.remarks ? { remarks: input.remarks } : {}),
        },
      ],
      'back-matter': { resources: [plan, ...resources.values()] },
    },
  };
}

export type AssessmentResults = ReturnType<typeof buildAssessmentResults>;

/** An OSCAL token (an XML NCName): other characters become `_`, and it starts with a letter or `_`. */
function asToken(text: string): string {
  const token = text.replace(/[^\p{L}\p{N}._-]/gu, '_');
  return /^[\p{L}_]/u.test(token) ? token : `_${token}`;
}

/** A finding due on a day is due by the end of that day (UTC); OSCAL times need years 1900–2999. */
function dueBy(day: string): { deadline?: string } {
  return /^(19|2\d)\d\d-/.test(day) ? { deadline: `${day}T23:59:59Z` } : {};
}

/** Every distinct test result of stored days: the first and last of each day (one if the same). */
export function resultsOfDays(days: readonly ControlDayDoc[]): ControlTestResult[] {
  return days.flatMap((d) =>
    d.first.evaluatedAt === d.last.evaluatedAt ? [d.last] : [d.first, d.last],
  );
}

const MEDIA_TYPES: Record<string, string> = {
  json: 'application/json',
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  md: 'text/markdown',
  txt: 'text/plain',
  pdf: 'application/pdf',
  sig: 'application/octet-stream',
};

/**
 * Evidence inside a bundle: the files each control names, by their name within the zip and the
 * SHA-256 the manifest lists. Files hashed after this document (manifest.json, manifest.sig) have
 * no hash here: the signed manifest is what vouches for every file, this one included.
 */
export function bundleEvidence(fileSha256: (name: string) => string | undefined) {
  return (control: Control): EvidenceRef[] =>
    control.evidence.bundleFiles.map((name) => {
      const hash = fileSha256(name);
      return {
        href: name,
        description: hash
          ? `Bundle file ${name}.`
          : `Bundle file ${name}; signed over, so not hashed in this file.`,
        ...(hash ? { sha256: hash } : {}),
        mediaType: MEDIA_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream',
      };
    });
}

/**
 * Evidence of the live report: the sections each control reads, as the API serves them, with the
 * SHA-256 of the section's JSON as it was read for this document. A control that reads no
 * section (the quarterly bundle) points at the archive list.
 */
export function reportEvidence(
  accountId: string,
  report: Pick<EvidenceReport, 'sections' | 'generatedAt'>,
) {
  const account = encodeURIComponent(accountId);
  return (control: Control): EvidenceRef[] => {
    if (control.evidence.sections.length === 0) {
      return [
        {
          href: `/api/soc2-archives?accountId=${account}`,
          description: 'The signed evidence bundles of the account.',
          mediaType: 'application/json',
        },
      ];
    }
    return control.evidence.sections.map((key: SectionKey) => {
      const section = report.sections[key];
      return {
        href: `/api/soc2-evidence?accountId=${account}&section=${sectionSlug(key)}`,
        description: `Report section ${key} generated at ${section?.generatedAt ?? report.generatedAt}.`,
        ...(section ? { sha256: sha256(JSON.stringify(section)) } : {}),
        mediaType: 'application/json',
      };
    });
  };
}

const sectionSlug = (key: SectionKey) =>
  Object.entries(SECTION_SLUGS).find(([, k]) => k === key)![0];
