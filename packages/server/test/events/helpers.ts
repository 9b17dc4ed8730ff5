// Shared helpers of the events-read tests: set up rooms through the rooms
// area's endpoints.
import assert from 'node:assert/strict';
import type { TestServer, TestUser } from '../harness.js';

export const V3 = '/_matrix/client/v3';
export const R0 = '/_matrix/client/r0';

let txn = 0;

export async function createRoom(hs: TestServer, user: TestUser, body: Record<string, unknown> = {}): Promise<string> {
  const res = await hs.request('POST', `${V3}/createRoom`, body, user.accessToken);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.room_id as string;
}

export async function send(hs: TestServer, user: TestUser, roomId: string, body: string | Record<string, unknown>, type = 'm.room.message'): Promise<string> {
  const content = typeof body === 'string' ? { msgtype: 'm.text', body } : body;
  const res = await hs.request('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/send/${type}/t${++txn}`, content, user.accessToken);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.event_id as string;
}

export async function setState(hs: TestServer, user: TestUser, roomId: string, type: string, content: Record<string, unknown>, stateKey = ''): Promise<string> {
  const res = await hs.request('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/state/${type}/${encodeURIComponent(stateKey)}`, content, user.accessToken);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.event_id as string;
}

export async function membershipAction(hs: TestServer, user: TestUser, roomId: string, action: 'join' | 'leave' | 'invite' | 'kick' | 'ban', body: Record<string, unknown> = {}): Promise<void> {
  const res = await hs.request('POST', `${V3}/rooms/${encodeURIComponent(roomId)}/${action}`, body, user.accessToken);
  assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
}

export function roomPath(roomId: string, rest: string): string {
  return `${V3}/rooms/${encodeURIComponent(roomId)}${rest}`;
}

/** GET /messages with the given query (values are URL-encoded here). */
export async function messages(hs: TestServer, user: TestUser, roomId: string, query: Record<string, string | number | object>) {
  const qs = Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
    .join('&');
  return hs.request('GET', roomPath(roomId, `/messages?${qs}`), undefined, user.accessToken);
}

/** Every message body the user can page to backwards from the end (oldest first). */
export async function visibleBodies(hs: TestServer, user: TestUser, roomId: string): Promise<string[]> {
  const bodies: string[] = [];
  let from: string | undefined;
  for (let i = 0; i < 100; i++) {
    const res = await messages(hs, user, roomId, { dir: 'b', limit: 50, ...(from ? { from } : {}) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const e of res.body.chunk) if (e.type === 'm.room.message') bodies.push(e.content.body);
    if (res.body.end === undefined) return bodies.reverse();
    from = res.body.end;
  }
  throw new Error('pagination did not end');
}
