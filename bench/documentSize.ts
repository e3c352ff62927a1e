/**
 * Firestore's storage size of a document, by the published rules
 * (https://firebase.google.com/docs/firestore/storage-size): the document name, every field name
 * and value, plus 32 bytes. Firestore refuses a document over 1 MiB (1,048,576 bytes) by this
 * measure. Documents are taken as the REST API returns them (`{ stringValue: … }` values), so
 * every value type is seen as stored, with no SDK conversion in between.
 */
export const MAX_DOCUMENT_BYTES = 1_048_576;

/** A value of the Firestore REST API (google.firestore.v1.Value). */
export type RestValue = Partial<{
  nullValue: null;
  booleanValue: boolean;
  integerValue: string;
  doubleValue: number;
  timestampValue: string;
  stringValue: string;
  bytesValue: string;
  referenceValue: string;
  geoPointValue: { latitude: number; longitude: number };
  arrayValue: { values?: RestValue[] };
  mapValue: { fields?: Record<string, RestValue> };
}>;

/** A string costs its UTF-8 bytes plus one. */
const stringSize = (s: string) => Buffer.byteLength(s, 'utf8') + 1;

/**
 * A document name costs its path segments below `documents/` plus 16 bytes; `name` may be the
 * full resource name (`projects/p/databases/d/documents/a/b`) or the path (`a/b`).
 */
export function documentNameSize(name: string): number {
  const path = name.replace(/^projects\/[^/]+\/databases\/[^/]+\/documents\//, '');
  return path.split('/').reduce((sum, segment) => sum + stringSize(segment), 16);
}

export function valueSize(value: RestValue): number {
  if (value.stringValue !== undefined) return stringSize(value.stringValue);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue, 'base64').length;
  if (value.referenceValue !== undefined) return documentNameSize(value.referenceValue);
  if (value.geoPointValue !== undefined) return 16;
  if (value.arrayValue !== undefined) {
    return (value.arrayValue.values ?? []).reduce((sum, v) => sum + valueSize(v), 0);
  }
  if (value.mapValue !== undefined) return fieldsSize(value.mapValue.fields);
  if (value.booleanValue !== undefined || value.nullValue !== undefined) return 1;
  // integer, double, timestamp
  return 8;
}

const fieldsSize = (fields: Record<string, RestValue> = {}) =>
  Object.entries(fields).reduce((sum, [key, v]) => sum + stringSize(key) + valueSize(v), 0);

/** The stored size of a document as the REST API returns it. */
export function documentSize(document: {
  name: string;
  fields?: Record<string, RestValue>;
}): number {
  return documentNameSize(document.name) + fieldsSize(document.fields) + 32;
}
