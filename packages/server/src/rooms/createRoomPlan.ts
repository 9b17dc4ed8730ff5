// Turns a POST /createRoom body into the ordered initial events.
// Spec: data/api/client-server/create_room.yaml — the order is fixed:
//   1. m.room.create  2. the creator's join  3. m.room.power_levels (+ override)
//   4. m.room.canonical_alias (room_alias_name)  5. preset events (join_rules,
//   history_visibility, guest_access)  6. initial_state, in order
//   7. m.room.name / m.room.topic  8. invites.
// initial_state overrides the preset; name/topic override initial_state.
import { MatrixError, roomVersionRules, type JsonObject, type RoomVersionRules } from '@weft/core';
import { isObject } from '../http/validate.js';
import type { SendRequest } from './RoomPipeline.js';

export type Preset = 'private_chat' | 'trusted_private_chat' | 'public_chat';

export interface CreateRoomInput {
  creator: string;
  serverName: string;
  defaultRoomVersion: string;
  /** The creator's profile for their m.room.member content. */
  creatorProfile: { displayname: string | null; avatar_url: string | null };
  /** Profiles of invitees (local users), for the invite events' content. */
  inviteeProfiles?: ReadonlyMap<string, { displayname: string | null; avatar_url: string | null }>;
  body: Record<string, unknown>;
}

export interface PlannedRoom {
  rules: RoomVersionRules;
  createContent: JsonObject;
  events: Omit<SendRequest, 'roomId' | 'txn' | 'precheck'>[];
  isPublic: boolean;
  /** Full alias (`#local:server`) when room_alias_name was given. */
  alias?: string;
  invitees: string[];
}

const USER_ID_RE = /^@[^:\s\u0000]+:[^\s\u0000]+$/;
const badJson = (msg: string) => new MatrixError(400, 'M_BAD_JSON', msg);

export function planCreateRoom(input: CreateRoomInput): PlannedRoom {
  const b = input.body;
  const versionId = optString(b, 'room_version') ?? input.defaultRoomVersion;
  const rules = roomVersionRules(versionId);
  if (!rules) throw new MatrixError(400, 'M_UNSUPPORTED_ROOM_VERSION', `Room version ${JSON.stringify(versionId)} is not supported`);

  const visibility = optString(b, 'visibility') ?? 'private';
  if (visibility !== 'public' && visibility !== 'private') throw badJson('visibility must be "public" or "private"');
  const presetRaw = optString(b, 'preset') ?? (visibility === 'public' ? 'public_chat' : 'private_chat');
  if (!['private_chat', 'trusted_private_chat', 'public_chat'].includes(presetRaw)) throw badJson(`Unknown preset ${JSON.stringify(presetRaw)}`);
  const preset = presetRaw as Preset;

  const invitees = [...new Set(optStringArray(b, 'invite') ?? [])];
  for (const u of invitees) if (!USER_ID_RE.test(u)) throw new MatrixError(400, 'M_INVALID_PARAM', `Invalid user ID ${JSON.stringify(u)}`);
  if (b['invite_3pid'] !== undefined && b['invite_3pid'] !== null && !(Array.isArray(b['invite_3pid']) && b['invite_3pid'].length === 0)) {
    // NOTSPEC: no identity server support yet.
    throw new MatrixError(400, 'M_UNKNOWN', 'invite_3pid is not supported by this server');
  }
  const isDirect = optBool(b, 'is_direct') ?? false;
  const name = optString(b, 'name');
  const topic = optString(b, 'topic');
  const aliasName = optString(b, 'room_alias_name');
  let alias: string | undefined;
  if (aliasName !== undefined) {
    if (aliasName === '' || /[\s:#\u0000]/.test(aliasName)) throw new MatrixError(400, 'M_INVALID_PARAM', 'Invalid room_alias_name');
    alias = `#${aliasName}:${input.serverName}`;
    if (alias.length > 255) throw new MatrixError(400, 'M_INVALID_PARAM', 'room_alias_name too long');
  }
  const creationContent = optObject(b, 'creation_content') ?? {};
  const plOverride = optObject(b, 'power_level_content_override');
  const initialState = parseInitialState(b['initial_state']);

  // 1. m.room.create — the server overwrites `creator` and `room_version`.
  const createContent: JsonObject = { ...(creationContent as JsonObject) };
  delete createContent['creator'];
  createContent['room_version'] = rules.id;
  if (!rules.createEventHasNoCreator) createContent['creator'] = input.creator;
  if (rules.privilegedCreators && preset === 'trusted_private_chat') {
    // v12: trusted_private_chat invitees become additional creators (deduplicated).
    const extra = Array.isArray(createContent['additional_creators']) ? (createContent['additional_creators'] as unknown[]) : [];
    const set = new Set<string>(extra.filter((x): x is string => typeof x === 'string'));
    for (const u of invitees) set.add(u);
    set.delete(input.creator);
    if (set.size > 0) createContent['additional_creators'] = [...set];
  }

  const events: PlannedRoom['events'] = [];
  const state = (type: string, content: JsonObject, stateKey = '') => events.push({ sender: input.creator, type, stateKey, content });

  // 2. The creator joins.
  state('m.room.member', memberContent('join', input.creatorProfile), input.creator);

  // 3. Power levels.
  const users: JsonObject = {};
  if (!rules.privilegedCreators) {
    users[input.creator] = 100;
    if (preset === 'trusted_private_chat') for (const u of invitees) users[u] = 100;
  }
  const pl: JsonObject = {
    users,
    users_default: 0,
    events: {
      'm.room.name': 50,
      'm.room.power_levels': 100,
      'm.room.history_visibility': 100,
      'm.room.canonical_alias': 50,
      'm.room.avatar': 50,
      // v12: MUST be above state_default (only creators may upgrade).
      'm.room.tombstone': rules.privilegedCreators ? 150 : 100,
      'm.room.server_acl': 100,
      'm.room.encryption': 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    // As Synapse: anyone in a private chat may invite; public rooms need moderators.
    invite: preset === 'public_chat' ? 50 : 0,
    notifications: { room: 50 },
  };
  if (plOverride) for (const [k, v] of Object.entries(plOverride)) pl[k] = v as JsonObject[string];
  state('m.room.power_levels', pl);

  // 4. Canonical alias.
  if (alias) state('m.room.canonical_alias', { alias });

  // 5. Preset events, unless initial_state sets the same (type, state_key).
  const inInitial = new Set(initialState.map((e) => `${e.type}\u0000${e.stateKey}`));
  const presetEvents: [string, JsonObject][] = [
    ['m.room.join_rules', { join_rule: preset === 'public_chat' ? 'public' : 'invite' }],
    ['m.room.history_visibility', { history_visibility: 'shared' }],
    ['m.room.guest_access', { guest_access: preset === 'public_chat' ? 'forbidden' : 'can_join' }],
  ];
  for (const [type, content] of presetEvents) if (!inInitial.has(`${type}\u0000`)) state(type, content);

  // 6. initial_state, in order (name/topic given explicitly win over it).
  for (const e of initialState) {
    if (e.stateKey === '' && ((e.type === 'm.room.name' && name !== undefined) || (e.type === 'm.room.topic' && topic !== undefined))) continue;
    state(e.type, e.content, e.stateKey);
  }

  // 7. Name and topic.
  if (name !== undefined) state('m.room.name', { name });
  if (topic !== undefined) state('m.room.topic', { topic, 'm.topic': { 'm.text': [{ mimetype: 'text/plain', body: topic }] } });

  // 8. Invites.
  for (const u of invitees) {
    if (u === input.creator) continue;
    const content = memberContent('invite', input.inviteeProfiles?.get(u));
    if (isDirect) content['is_direct'] = true;
    state('m.room.member', content, u);
  }

  return { rules, createContent, events, isPublic: visibility === 'public', ...(alias ? { alias } : {}), invitees };
}

export function memberContent(membership: string, profile?: { displayname: string | null; avatar_url: string | null }, reason?: string): JsonObject {
  const c: JsonObject = { membership };
  if (profile?.displayname) c['displayname'] = profile.displayname;
  if (profile?.avatar_url) c['avatar_url'] = profile.avatar_url;
  if (reason !== undefined) c['reason'] = reason;
  return c;
}

function parseInitialState(raw: unknown): { type: string; stateKey: string; content: JsonObject }[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badJson('initial_state must be a list');
  return raw.map((e, i) => {
    if (!isObject(e)) throw badJson(`initial_state[${i}] must be an object`);
    if (typeof e['type'] !== 'string' || e['type'] === '') throw badJson(`initial_state[${i}].type must be a string`);
    const sk = e['state_key'] ?? '';
    if (typeof sk !== 'string') throw badJson(`initial_state[${i}].state_key must be a string`);
    if (!isObject(e['content'])) throw badJson(`initial_state[${i}].content must be an object`);
    return { type: e['type'], stateKey: sk, content: e['content'] as JsonObject };
  });
}

function optString(b: Record<string, unknown>, k: string): string | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badJson(`${k} must be a string`);
  return v;
}
function optBool(b: Record<string, unknown>, k: string): boolean | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badJson(`${k} must be a boolean`);
  return v;
}
function optObject(b: Record<string, unknown>, k: string): Record<string, unknown> | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw badJson(`${k} must be an object`);
  return v;
}
function optStringArray(b: Record<string, unknown>, k: string): string[] | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badJson(`${k} must be a list of strings`);
  return v as string[];
}
