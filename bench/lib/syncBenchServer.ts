// Starts bench/lib/sync-server-child.ts in a child process and gives a small HTTP
// client for it (register, request).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchUser { userId: string; accessToken: string }

export interface BenchServer {
  baseUrl: string;
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
  const request = async (method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    baseUrl,
    request,
    async register(localpart) {
      const res = await request('POST', '/_matrix/client/v3/register', { username: localpart, password: 'bench password 1', auth: { type: 'm.login.dummy' } });
      if (res.status !== 200) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
      return { userId: res.body.user_id, accessToken: res.body.access_token };
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}
