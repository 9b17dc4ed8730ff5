// Canonical JSON. Spec: content/appendices.md "Canonical JSON": the shortest
// UTF-8 JSON encoding, object keys sorted by Unicode code point, integers
// without exponent or fraction, no `-0`, only the mandatory escapes.
import { CoreError } from '../errors/CoreError.js';

export interface CanonicalJsonOptions {
  /**
   * Rooms v6+ ("v6-canonical-json"): reject floats and integers outside
   * [-(2**53)+1, (2**53)-1]. Earlier rooms must not enforce this.
   */
  readonly strict?: boolean;
}

/** Deepest nesting accepted; protects the stack from hostile input. */
export const MAX_JSON_DEPTH = 256;

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2**53 - 1
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

/** Serialise `value` as canonical JSON. Throws CoreError on values JSON cannot carry. */
export function canonicalJson(value: unknown, opts?: CanonicalJsonOptions): string {
  return encode(value, opts?.strict === true, 0, '');
}

function encode(v: unknown, strict: boolean, depth: number, path: string): string {
  switch (typeof v) {
    case 'string':
      return encodeString(v, path);
    case 'number':
      return encodeNumber(v, strict, path);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      if (strict && (v > MAX_SAFE_BIG || v < -MAX_SAFE_BIG)) {
        throw new CoreError('NOT_CANONICAL', 'integer out of range [-(2^53)+1, 2^53-1]', path || undefined);
      }
      return v.toString();
    case 'object': {
      if (v === null) return 'null';
      if (depth >= MAX_JSON_DEPTH) throw new CoreError('BAD_JSON', 'JSON nested too deeply', path || undefined);
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = v[i];
          if (item === undefined) throw new CoreError('BAD_JSON', 'undefined in array', `${path}[${i}]`);
          out += encode(item, strict, depth + 1, path);
        }
        return out + ']';
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new CoreError('BAD_JSON', 'not a plain JSON object', path || undefined);
      }
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj);
      sortKeys(keys);
      let out = '{';
      let first = true;
      for (const k of keys) {
        const item = obj[k];
        // undefined-valued keys are treated as absent (as JSON.stringify does).
        if (item === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += encodeString(k, path);
        out += ':';
        out += encode(item, strict, depth + 1, path === '' ? k : `${path}.${k}`);
      }
      return out + '}';
    }
    default:
      throw new CoreError('BAD_JSON', `a ${typeof v} is not a JSON value`, path || undefined);
  }
}

function encodeNumber(n: number, strict: boolean, path: string): string {
  if (Number.isInteger(n)) {
    if (n >= -MAX_SAFE && n <= MAX_SAFE) return n === 0 ? '0' : String(n); // String(-0) is "0" anyway
    if (strict) throw new CoreError('NOT_CANONICAL', 'integer out of range [-(2^53)+1, 2^53-1]', path || undefined);
    // NOTSPEC: rooms v1–v5 may hold larger integers; a double has lost the
    // original digits already, so print the exact value of the double.
    return BigInt(n).toString();
  }
  if (!Number.isFinite(n)) throw new CoreError('BAD_JSON', 'NaN/Infinity are not JSON', path || undefined);
  if (strict) throw new CoreError('NOT_CANONICAL', 'floats are not allowed in canonical JSON', path || undefined);
  // NOTSPEC: canonical JSON has no floats, but rooms v1–v5 may contain them
  // ("floaty power levels"); use the shortest round-trip form.
  return String(n);
}

function encodeString(s: string, path: string): string {
  // JSON.stringify produces exactly the canonical escapes: \" \\ \b \f \n \r \t,
  // \u00XX (lowercase hex) for other controls, everything else raw. Lone
  // surrogates come out as `\udXXX`; they cannot be encoded as UTF-8, so reject.
  const out = JSON.stringify(s);
  if (out.includes('\\ud') && !isWellFormed(s)) {
    throw new CoreError('NOT_CANONICAL', 'string contains a lone UTF-16 surrogate', path || undefined);
  }
  return out;
}

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * Sort keys by Unicode code point. The default sort compares UTF-16 code
 * units, which agrees with code point order unless a surrogate (astral
 * character) is compared with a character in U+E000–U+FFFF.
 */
function sortKeys(keys: string[]): void {
  if (keys.length < 2) return;
  keys.sort();
  let astral = false;
  for (const k of keys) {
    for (let i = 0; i < k.length; i++) {
      if (k.charCodeAt(i) >= 0xd800) { astral = true; break; }
    }
    if (astral) break;
  }
  if (astral) keys.sort(compareCodePoints);
}

export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return weight(x) - weight(y);
  }
  return a.length - b.length;
}

// Surrogates (D800–DFFF) encode code points ≥ U+10000, so they sort after E000–FFFF.
const weight = (u: number): number => (u >= 0xe000 ? u - 0x800 : u >= 0xd800 ? u + 0x2000 : u);

/** UTF-8 byte length of the canonical JSON of `value`. */
export function canonicalJsonByteLength(value: unknown, opts?: CanonicalJsonOptions): number {
  return Buffer.byteLength(canonicalJson(value, opts), 'utf8');
}
