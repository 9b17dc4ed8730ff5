// Glob-style matching (appendices "Glob-style matching": `*` any run of
// characters including none, `?` exactly one) as push rules use it
// (push.md "Conditions", event_match): case-insensitive, the whole value, or —
// for content.body and content rules — any substring that starts and ends at a
// word boundary ("the start or end of the value, or any character not in the
// sets [A-Z], [a-z], [0-9] or _").

const WORD_CHAR = '[A-Za-z0-9_]';
const cache = new Map<string, RegExp>();
const CACHE_MAX = 2048;

function globToSource(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  }
  return out;
}

function literalSource(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function compile(cacheKey: string, source: () => string, wordBoundary: boolean): RegExp {
  let re = cache.get(cacheKey);
  if (!re) {
    // 'u' so `?` is one code point and case folding covers non-ASCII; 's' so `*` spans newlines.
    re = wordBoundary
      ? new RegExp(`(?<!${WORD_CHAR})(?:${source()})(?!${WORD_CHAR})`, 'isu')
      : new RegExp(`^(?:${source()})$`, 'isu');
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(cacheKey, re);
  }
  return re;
}

/** Case-insensitive glob match of the whole `value`, or (wordBoundary) of a word-bounded substring. */
export function globMatches(pattern: string, value: string, wordBoundary = false): boolean {
  return compile(`${wordBoundary ? 'w' : 'x'}${pattern}`, () => globToSource(pattern), wordBoundary).test(value);
}

/** Case-insensitive match of a literal string (no glob) as a word-bounded substring (contains_display_name). */
export function containsWord(needle: string, value: string): boolean {
  return compile(`l${needle}`, () => literalSource(needle), true).test(value);
}
