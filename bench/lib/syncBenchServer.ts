// Starts bench/lib/sync-server-child.ts in a child process and gives a small HTTP
// client for it (register, request).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, request as undiciRequest } from 'undici';

export interface BenchUser { userId: string; accessToken: string }

export interface BenchServer {
  baseUrl: string;
  /** CPU time (user + system, ms) the server process has used so far (Linux /proc). */
  cpuMs(): number;
  /** The server's event-loop delay and GC pauses since the previous call. */
  loopStats(): Promise<Record<string, unknown>>;
  register(localpart: string): Promise<BenchUser>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startBenchServer(engine: string): Promise<BenchServer> {
  const child = fork(fileURLToPath(new URL('./sync-server-child.ts', import.meta.url)), [engine], {
    execArgv: ['--conditions=weft-src', '--import', 'tsx', ...(process.env.BENCH_SERVER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROF}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { baseUrl: string }).baseUrl));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  // undici's request with keep-alive: global fetch costs several times more client
  // CPU per request, and the client shares this machine's cores with the server.
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const request = async (method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await undiciRequest(baseUrl + path, {
      method: method as 'GET', dispatcher: agent, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  };
  return {
    baseUrl,
    loopStats: () =>
      new Promise((resolve) => {
        const onMessage = (m: unknown) => {
          if (typeof m === 'object' && m !== null && 'loopDelayMs' in m) {
            child.off('message', onMessage);
            resolve(m as Record<string, unknown>);
          }
        };
        child.on('message', onMessage);
        child.send('loop-delay');
      }),
    cpuMs() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    },
    request,
    async register(localpart) {
      const res = await request('POST', '/_matrix/client/v3/register', { username: localpart, password: 'bench password 1', auth: { type: 'm.login.dummy' } });
      if (res.status !== 200) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
      return { userId: res.body.user_id, accessToken: res.body.access_token };
    },
    close: async () => {
      await agent.close();
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      });
    },
  };
}
