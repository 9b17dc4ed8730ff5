// Small validators for request bodies and query strings: client input is
// validated strictly (DESIGN "Parse at the edge"). Wrong types → 400 M_BAD_JSON,
// missing required fields → 400 M_MISSING_PARAM, bad query values → M_INVALID_PARAM.
import { MatrixError } from '@weft/core';

export type JsonObject = Record<string, unknown>;

const badJson = (msg: string) => new MatrixError(400, 'M_BAD_JSON', msg);

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function requireString(body: JsonObject, key: string): string {
  const v = body[key];
  if (v === undefined || v === null) throw new MatrixError(400, 'M_MISSING_PARAM', `Missing parameter: ${key}`);
  if (typeof v !== 'string') throw badJson(`${key} must be a string`);
  return v;
}

export function optionalString(body: JsonObject, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badJson(`${key} must be a string`);
  return v;
}

export function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badJson(`${key} must be a boolean`);
  return v;
}

export function optionalObject(body: JsonObject, key: string): JsonObject | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw badJson(`${key} must be an object`);
  return v;
}

export function optionalStringArray(body: JsonObject, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badJson(`${key} must be a list of strings`);
  return v as string[];
}

/** A non-negative integer query parameter. */
export function queryInt(query: Record<string, string | undefined>, key: string): number | undefined {
  const v = query[key];
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new MatrixError(400, 'M_INVALID_PARAM', `${key} must be a non-negative integer`);
  return Number(v);
}
