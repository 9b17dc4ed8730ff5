import { appendFileSync } from 'node:fs';
// Raw HTTP probes for the hardening suite: any bytes, any headers, a hard
// timeout (a hang is a failure), and the response as {status, json, text}.
// `expectMatrixError` states the spec's error contract (client-server-api
// "Standard error response"): every 4xx/5xx body is a JSON object with a
// string `errcode` ("M_…") and a string `error`.
export interface ProbeResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  text: string;
  headers: Headers;
}

export interface ProbeRequest {
  method: string;
  path: string;
  /** Sent verbatim (strings and Buffers); objects are JSON-encoded. */
  body?: string | Buffer | object;
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function probe(baseUrl: string, req: ProbeRequest): Promise<ProbeResponse> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.token !== undefined) headers.authorization ??= `Bearer ${req.token}`;
  let body: string | Blob | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : Buffer.isBuffer(req.body) ? new Blob([new Uint8Array(req.body)]) : JSON.stringify(req.body);
    headers['content-type'] ??= 'application/json';
  }
  const timeoutMs = req.timeoutMs ?? 10_000;
  let res: Response;
  try {
    res = await fetch(baseUrl + req.path, { method: req.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as Error).name;
    return { status: name === 'TimeoutError' ? -1 : -2, json: undefined, text: `${name}: ${(err as Error).message}`, headers: new Headers() };
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Why a response breaks the error contract, or undefined when it keeps it. */
export function contractViolation(res: ProbeResponse): string | undefined {
  if (res.status === -1) return 'no answer (timeout: hang)';
  if (res.status === -2) return `connection failed (${res.text})`;
  if (res.status >= 500) return `server error ${res.status}`;
  if (res.status >= 400) {
    const b = res.json as { errcode?: unknown; error?: unknown } | undefined;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return 'error body is not a JSON object';
    // client-server-api "User-interactive authentication API": a 401 carrying `flows` is the UIA
    // challenge; errcode/error appear only after a failed stage.
    if (res.status === 401 && Array.isArray((b as { flows?: unknown }).flows) && b.errcode === undefined) return undefined;
    if (typeof b.errcode !== 'string' || !b.errcode.startsWith('M_')) return 'errcode missing or not M_…';
    if (typeof b.error !== 'string') return 'error (message) missing';
  }
  return undefined;
}

/** One line describing a request and its response, for failure lists. */
export function describeExchange(req: ProbeRequest, res: ProbeResponse): string {
  let body = '';
  if (req.body !== undefined) {
    const raw = typeof req.body === 'string' ? req.body : Buffer.isBuffer(req.body) ? `<${req.body.length} bytes>` : JSON.stringify(req.body);
    body = ' ' + (raw.length > 120 ? `${raw.slice(0, 120)}…(${raw.length})` : raw);
  }
  const path = req.path.length > 160 ? `${req.path.slice(0, 160)}…(${req.path.length})` : req.path;
  return `${req.method} ${path}${body} → ${res.status} ${res.text.slice(0, 200)}`;
}

/** Collects contract violations (and extra expectations) instead of failing at the first. */
export class Findings {
  readonly items: string[] = [];
  constructor(private readonly known: readonly RegExp[] = []) {}

  /** Records `why` for this exchange unless a known-issue pattern matches the line. */
  add(req: ProbeRequest, res: ProbeResponse, why: string): void {
    const line = `${why}: ${describeExchange(req, res)}`;
    if (this.known.some((re) => re.test(line))) return;
    this.items.push(line);
  }

  /** The error contract, plus optional exact status / errcode(s). */
  check(req: ProbeRequest, res: ProbeResponse, expect?: { status?: number | number[]; errcode?: string | string[] }): void {
    const v = contractViolation(res);
    if (v) return this.add(req, res, v);
    if (expect?.status !== undefined) {
      const ok = Array.isArray(expect.status) ? expect.status : [expect.status];
      if (!ok.includes(res.status)) return this.add(req, res, `expected status ${ok.join('/')}`);
    }
    if (expect?.errcode !== undefined) {
      const ok = Array.isArray(expect.errcode) ? expect.errcode : [expect.errcode];
      if (!ok.includes((res.json as { errcode?: string } | undefined)?.errcode ?? '')) return this.add(req, res, `expected errcode ${ok.join('/')}`);
    }
  }

  report(): string {
    if (process.env.WEFT_HARDENING_DUMP) appendFileSync(process.env.WEFT_HARDENING_DUMP, this.items.join('\n') + '\n');
    return `${this.items.length} finding(s):\n` + this.items.slice(0, 80).join('\n');
  }
}
