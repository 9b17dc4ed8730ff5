// Dot-separated property paths (appendices "Dot-separated property paths"):
// `\.` is a literal dot and `\\` a literal backslash inside a name; any other
// `\x` stays as the two characters.

const cache = new Map<string, readonly string[]>();
const CACHE_MAX = 1024;

/** Splits `content.m\.relates_to.rel_type` into ['content', 'm.relates_to', 'rel_type']. */
export function splitPropertyPath(path: string): readonly string[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && (path[i + 1] === '.' || path[i + 1] === '\\')) {
      cur += path[i + 1];
      i++;
    } else if (c === '.') {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(path, parts);
  return parts;
}

/** The value at `path` in `obj`, or undefined when any step is missing or not an object. */
export function lookupPropertyPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const name of splitPropertyPath(path)) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, name)) return undefined;
    cur = (cur as Record<string, unknown>)[name];
  }
  return cur;
}
