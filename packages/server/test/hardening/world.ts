// A small populated server for the hardening suite: two users sharing a public
// room with an alias, a message, a state event, a filter and a key-backup
// version, so that each route's path parameters can be filled with values that
// exist (the fuzz then reaches the handler's deeper code, not just a 404).
import { randomBytes } from 'node:crypto';
import type { RouteInfo } from '../../src/http/Router.js';
import type { TestServer, TestUser } from '../harness.js';
import { clientRoutes } from './routeCatalogue.js';

export const PASSWORD = 'correct horse battery staple';

export interface World {
  server: TestServer;
  /** Owns the room; used for most probes. */
  alice: TestUser;
  /** Joined member; used for membership routes (it may leave/forget). */
  bob: TestUser;
  roomId: string;
  alias: string;
  eventId: string;
  filterId: string;
  /** Values for every path parameter name the router uses. */
  params: Record<string, string>;
  /** One representative route per endpoint (v3 over r0; other prefixes kept). */
  routes: RouteInfo[];
}

export async function buildWorld(server: TestServer): Promise<World> {
  const tag = randomBytes(3).toString('hex');
  const alice = await server.register(`alice_${tag}`, PASSWORD);
  const bob = await server.register(`bob_${tag}`, PASSWORD);
  const aliasLocal = `fuzz_${tag}`;
  const created = await server.request('POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat', room_alias_name: aliasLocal, name: 'fuzz' }, alice.accessToken);
  if (created.status !== 200) throw new Error(`createRoom: ${created.status} ${JSON.stringify(created.body)}`);
  const roomId: string = created.body.room_id;
  const alias = `#${aliasLocal}:${server.serverName}`;
  const joined = await server.request('POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {}, bob.accessToken);
  if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
  const sent = await server.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t1`, { msgtype: 'm.text', body: 'hello' }, alice.accessToken);
  if (sent.status !== 200) throw new Error(`send: ${sent.status} ${JSON.stringify(sent.body)}`);
  const filter = await server.request('POST', `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/filter`, { room: { timeline: { limit: 5 } } }, alice.accessToken);
  const filterId: string = filter.status === 200 ? filter.body.filter_id : '0';
  const backup = await server.request('POST', '/_matrix/client/v3/room_keys/version', { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: { public_key: 'abcdefg' } }, alice.accessToken);
  const version: string = backup.status === 200 ? backup.body.version : '1';

  const params: Record<string, string> = {
    roomId,
    roomIdOrAlias: alias,
    roomAlias: alias,
    eventId: sent.body.event_id,
    eventType: 'org.weft.fuzz',
    stateKey: '',
    txnId: `txn_${tag}`,
    userId: alice.userId,
    deviceId: alice.deviceId,
    keyName: 'displayname',
    receiptType: 'm.read',
    type: 'org.weft.fuzz',
    filterId,
    tag: 'u.fuzz',
    token: `tok${tag}`,
    version,
    sessionId: 'fuzzsession',
  };

  const all = await clientRoutes(server);
  const seen = new Set<string>();
  const routes: RouteInfo[] = [];
  for (const r of all) {
    // r0 duplicates v3 exactly (same handler); probe v3 only.
    if (r.url.startsWith('/_matrix/client/r0/')) continue;
    const key = `${r.method} ${r.url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push(r);
  }
  return { server, alice, bob, roomId, alias, eventId: sent.body.event_id, filterId, params, routes };
}

/** Routes whose success ends the caller's session; probe them with a throwaway login. */
export function endsSession(r: RouteInfo): boolean {
  return /\/(logout|logout\/all|account\/deactivate|delete_devices|account\/password)$/.test(r.url) || (r.method === 'DELETE' && r.url.endsWith('/devices/:deviceId'));
}

/** Membership routes: probed as bob, so alice stays in the room. */
export function isMembership(r: RouteInfo): boolean {
  return /\/(join|leave|forget|invite|kick|ban|unban|knock)(\/:[a-zA-Z]+)?$/.test(r.url) && !r.url.includes('joined_');
}

/** A fresh access token for `user` (password login) — for probes that may end sessions. */
export async function freshToken(server: TestServer, userId: string): Promise<{ token: string; deviceId: string }> {
  const res = await server.request('POST', '/_matrix/client/v3/login', { type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password: PASSWORD });
  if (res.status !== 200) throw new Error(`login ${userId}: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.access_token, deviceId: res.body.device_id };
}
