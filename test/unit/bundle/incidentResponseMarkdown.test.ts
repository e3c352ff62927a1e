import { incidentResponseMarkdown } from '../../../functions/bundle/contents';
import { CATALOGS } from '../../../functions/catalogs';
import { computeIncidentResponse } from '../../../functions/report/sections/incidentResponse';

const runbook = computeIncidentResponse(CATALOGS.incidentResponse, CATALOGS.businessContinuity);

describe('incident-response.md', () => {
  it('states every continuity target with target, current value and whether it is met', () => {
    const markdown = incidentResponseMarkdown(runbook);
    expect(markdown).toContain('## Business continuity targets');
    expect(markdown).toContain('| RTO: Recovery time objective | 4 hours | 2.5 hours | yes |');
    for (const t of CATALOGS.businessContinuity.targets) expect(markdown).toContain(t.measuredBy);
  });

  it('lists the backup strategy per data type with frequency, retention and location', () => {
    const markdown = incidentResponseMarkdown(runbook);
    expect(markdown).toContain('## Backup strategy');
    for (const b of CATALOGS.businessContinuity.backups) {
      expect(markdown).toContain(`| ${b.frequency} |`);
      expect(markdown).toContain(`| ${b.location} |`);
    }
    expect(markdown).toContain('| Daily scheduled backup, 03:00 UTC | 98 days |');
  });

  it('escapes a | in a cell so it cannot open a column', () => {
    const markdown = incidentResponseMarkdown({
      ...runbook,
      backupStrategy: [{ ...runbook.backupStrategy[0], location: 'a | b' }],
    });
    expect(markdown).toContain('| a \\| b |');
  });
});
