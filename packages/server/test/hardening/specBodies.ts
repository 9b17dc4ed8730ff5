// Request-body shapes from the spec's OpenAPI (../shared/spec/data/api/client-server):
// for each endpoint, the top-level properties of its JSON body with their declared
// types, and the spec's example body. The field fuzz starts from the example and
// breaks one property at a time, so the rest of the body stays valid and the
// handler's validation of that one field is what answers.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

export const SPEC_API_DIR = resolve(import.meta.dirname, '../../../../../shared/spec/data/api/client-server');

export interface SpecBody {
  /** e.g. 'PUT /_matrix/client/v3/rooms/{}/send/{}/{}' (parameters blanked). */
  key: string;
  properties: Record<string, string>;
  example: Record<string, unknown> | undefined;
}

type Node = Record<string, unknown>;

function load(file: string): Node {
  return parse(readFileSync(file, 'utf8')) as Node;
}

function deref(node: unknown, file: string, seen = 0): { node: Node; file: string } | undefined {
  if (typeof node !== 'object' || node === null || seen > 8) return undefined;
  const ref = (node as Node).$ref;
  if (typeof ref !== 'string') return { node: node as Node, file };
  const [path, fragment] = ref.split('#');
  const target = path ? resolve(dirname(file), path) : file;
  if (!existsSync(target)) return undefined;
  let doc: unknown = load(target);
  for (const part of (fragment ?? '').split('/').filter(Boolean)) doc = (doc as Node | undefined)?.[part];
  return deref(doc, target, seen + 1);
}

function collectProperties(schema: unknown, file: string, out: Record<string, string>, depth = 0): void {
  const d = deref(schema, file);
  if (!d || depth > 5) return;
  for (const sub of (d.node.allOf as unknown[] | undefined) ?? []) collectProperties(sub, d.file, out, depth + 1);
  const props = d.node.properties as Record<string, unknown> | undefined;
  for (const [name, p] of Object.entries(props ?? {})) {
    const pd = deref(p, d.file);
    const t = pd?.node.type;
    out[name] = typeof t === 'string' ? t : Array.isArray(t) ? String(t[0]) : pd?.node.properties ? 'object' : 'any';
  }
}

/** Every spec endpoint with a JSON request body. */
export function specBodies(dir = SPEC_API_DIR): SpecBody[] {
  const out: SpecBody[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.yaml')) continue;
    const file = join(dir, name);
    const doc = load(file);
    const servers = doc.servers as { variables?: { basePath?: { default?: string } } }[] | undefined;
    const basePath = servers?.[0]?.variables?.basePath?.default ?? '/_matrix/client/v3';
    for (const [path, ops] of Object.entries((doc.paths as Record<string, Node> | undefined) ?? {})) {
      for (const [method, op] of Object.entries(ops)) {
        const content = ((op as Node).requestBody as Node | undefined)?.content as Record<string, Node> | undefined;
        const json = content?.['application/json'];
        if (!json) continue;
        const properties: Record<string, string> = {};
        collectProperties(json.schema, file, properties);
        const schema = deref(json.schema, file)?.node;
        const example = (json.example ?? schema?.example) as unknown;
        out.push({
          key: `${method.toUpperCase()} ${normalise(basePath + path)}`,
          properties,
          example: typeof example === 'object' && example !== null && !Array.isArray(example) ? (example as Record<string, unknown>) : undefined,
        });
      }
    }
  }
  return out;
}

/** Blanks path parameters in either syntax ({name} or :name) so spec and router paths compare. */
export function normalise(url: string): string {
  return url.replace(/\{[^}]+\}|:[A-Za-z_]+/g, '{}').replace(/\/$/, '');
}

const RAW = (s: string) => `\u0001RAW${s}\u0001`;

/** Wrong-typed values for a property declared as `type` (RAW(...) marks JSON text inserted verbatim). */
export function wrongValues(type: string): unknown[] {
  const common: unknown[] = [RAW('"\\ud800"'), '\u0000', { '\u0000': [null, { a: [] }] }];
  switch (type) {
    case 'string':
      return [12345, true, {}, ['x'], 'x'.repeat(70_000), RAW('"\\udfff\\ud800"'), '', ...common];
    case 'integer':
    case 'number':
      return ['abc', 1.5, -1, RAW('1e400'), RAW('9007199254740993'), {}, null, '10'];
    case 'boolean':
      return ['true', 1, {}];
    case 'object':
      return ['x', [], 1, { a: { b: { c: 'x'.repeat(1000) } }, '': 7 }, ...common];
    case 'array':
      return ['x', {}, [1, {}, null, []], Array.from({ length: 5000 }, (_, i) => `x${i}`)];
    default:
      return ['x', 1, [], {}, ...common];
  }
}

/** JSON text for a body, splicing RAW(...) values in verbatim. */
export function encodeBody(body: Record<string, unknown>): string {
  return JSON.stringify(body).replace(/"\\u0001RAW(.*?)\\u0001"/g, (_m, raw: string) => JSON.parse(`"${raw}"`) as string);
}
