// Turning untrusted text into JSON objects with typed errors.
import { CoreError } from '../errors/CoreError.js';
import type { JsonObject, JsonValue } from '../events/types.js';
import { canonicalJson } from './canonicalJson.js';

export interface ParseJsonOptions {
  /** Also require the value to be representable in strict canonical JSON (rooms v6+). */
  readonly strict?: boolean;
}

/** Parse any JSON value; throws CoreError('BAD_JSON') on syntax errors. */
export function parseJson(text: string | Uint8Array, opts?: ParseJsonOptions): JsonValue {
  const s = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  let v: JsonValue;
  try {
    v = JSON.parse(s) as JsonValue;
  } catch (e) {
    throw new CoreError('BAD_JSON', `not valid JSON: ${(e as Error).message}`);
  }
  if (opts?.strict === true) canonicalJson(v, { strict: true }); // throws NOT_CANONICAL
  return v;
}

/** Parse text that must hold a JSON object. */
export function parseJsonObject(text: string | Uint8Array, opts?: ParseJsonOptions): JsonObject {
  const v = parseJson(text, opts);
  if (!isJsonObject(v)) throw new CoreError('BAD_JSON', 'expected a JSON object');
  return v;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
