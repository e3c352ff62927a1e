import { openApiDocument, operations } from '../../../functions/http/openapi';
import { ROUTES } from '../../../functions/http/routes';
import { openApiErrors } from '../../support/openApiValidator';

describe('OpenAPI document', () => {
  it('documents every registered /api route', () => {
    const undocumented = ROUTES.map((r) => `${r.method} ${r.path}`).filter(
      (key) => !operations()[key],
    );
    expect(undocumented).toEqual([]);
  });

  it('is OpenAPI 3.1 with the evidence query parameters taken from the request schema', () => {
    const doc = openApiDocument() as {
      openapi: string;
      paths: Record<string, { get: { parameters: { name: string; required: boolean }[] } }>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const params = doc.paths['/api/soc2-evidence'].get.parameters;
    expect(params.map((p) => [p.name, p.required])).toEqual([
      ['accountId', true],
      ['section', false],
      ['format', false],
      ['table', false],
    ]);
    expect(Object.keys(doc.paths)).toContain('/api/soc2-archives/{archiveId}/download');
  });

  it('accepts a well-formed error body and rejects one that breaks the contract', () => {
    const good = {
      error: { code: 'unauthenticated', message: 'A valid Firebase ID token is required.' },
    };
    expect(openApiErrors('GET', '/api/soc2-evidence', 401, good)).toEqual([]);
    const bad = { error: { code: 'teapot', message: 1 } };
    expect(openApiErrors('GET', '/api/soc2-evidence', 401, bad)).not.toEqual([]);
  });
});
