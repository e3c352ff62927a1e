import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../functions/http/openapi';

/**
 * Validates a response body against the schema the OpenAPI document declares for
 * `method path` → `status` (JSON content). Returns the validator's errors, empty when it holds.
 */
export function openApiErrors(method: string, path: string, status: number, body: unknown) {
  const doc = openApiDocument() as {
    paths: Record<
      string,
      Record<
        string,
        { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }
      >
    >;
    components: { schemas: Record<string, unknown> };
  };
  const operation = doc.paths[path]?.[method.toLowerCase()];
  const schema = operation?.responses[String(status)]?.content?.['application/json']?.schema;
  if (!schema) return [`no JSON response schema for ${method} ${path} ${status}`];
  // The components travel in one schema resource so `#/components/schemas/…` refs resolve.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile({ ...(schema as object), components: doc.components });
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
