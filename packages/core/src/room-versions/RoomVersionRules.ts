// Room versions as data (DESIGN principle 2). Each record is built from the
// previous one; code reads flags and never compares version numbers.
// Spec: content/rooms/v1.md … v12.md.

export type EventIdFormat =
  /** `$localpart:server`, chosen by the origin server (v1, v2). */
  | 'v1'
  /** `$` + unpadded standard base64 of the reference hash (v3). */
  | 'v3'
  /** `$` + unpadded URL-safe base64 of the reference hash (v4+). */
  | 'v4';

export type StateResAlgorithm = 'v1' | 'v2' | 'v2.1';

/** Which redaction algorithm (content/rooms/fragments/*-redactions.md). */
export type RedactionAlgorithm = 'v1' | 'v6' | 'v8' | 'v9' | 'v11';

export interface RoomVersionRules {
  readonly id: string;
  /** Whether servers should consider it stable (all of 1–12 are). */
  readonly stable: boolean;
  readonly eventIdFormat: EventIdFormat;
  readonly stateRes: StateResAlgorithm;
  readonly redaction: RedactionAlgorithm;
  /** prev_events/auth_events are `[[id, {sha256}]]` pairs (v1, v2) rather than plain ID lists. */
  readonly eventReferencesWithHashes: boolean;
  /** Event has an `event_id` field on the wire (v1, v2). */
  readonly eventIdInEvent: boolean;
  /** v5+: signing keys must be valid (valid_until_ts) at origin_server_ts. */
  readonly enforceKeyValidity: boolean;
  /** v1–v5: the special auth rule for m.room.aliases events. */
  readonly specialCaseAliasesAuth: boolean;
  /** v1–v2: the auth rule for m.room.redaction (redact level, or same event_id domain); v3+ checks
   *  redactions on receipt instead ("Handling redactions"). Added by the auth helper. */
  readonly redactionAuthRule: boolean;
  /** v6+: integers must be within [-(2**53)+1, (2**53)-1], no floats (strict canonical JSON). */
  readonly strictCanonicalJson: boolean;
  /** v6+: the `notifications` key of power levels is checked when power levels change. */
  readonly limitNotificationsPowerLevels: boolean;
  /** v7+: knock membership and join rule. */
  readonly knocking: boolean;
  /** v8+: restricted join rule with join_authorised_via_users_server. */
  readonly restrictedJoins: boolean;
  /** v10+: knock_restricted join rule. */
  readonly knockRestricted: boolean;
  /** v10+: power level values must be integers (not strings). */
  readonly integerPowerLevels: boolean;
  /** v11+: m.room.create has no `creator`; the sender is the creator. */
  readonly createEventHasNoCreator: boolean;
  /** v11+: m.room.redaction carries `redacts` in content rather than top-level. */
  readonly redactsInContent: boolean;
  /** v12: creators (sender + additional_creators) have infinite power and are not in power levels. */
  readonly privilegedCreators: boolean;
  /** v12: the m.room.create event is not listed in auth_events (it is implied). */
  readonly createEventNotInAuthEvents: boolean;
  /** v12: the room ID is `!` + URL-safe base64 reference hash of the create event. */
  readonly roomIdFromCreateEvent: boolean;
}

const v1: RoomVersionRules = {
  id: '1',
  stable: true,
  eventIdFormat: 'v1',
  stateRes: 'v1',
  redaction: 'v1',
  eventReferencesWithHashes: true,
  eventIdInEvent: true,
  enforceKeyValidity: false,
  specialCaseAliasesAuth: true,
  redactionAuthRule: true,
  strictCanonicalJson: false,
  limitNotificationsPowerLevels: false,
  knocking: false,
  restrictedJoins: false,
  knockRestricted: false,
  integerPowerLevels: false,
  createEventHasNoCreator: false,
  redactsInContent: false,
  privilegedCreators: false,
  createEventNotInAuthEvents: false,
  roomIdFromCreateEvent: false,
};
const v2: RoomVersionRules = { ...v1, id: '2', stateRes: 'v2' };
const v3: RoomVersionRules = { ...v2, id: '3', eventIdFormat: 'v3', eventReferencesWithHashes: false, eventIdInEvent: false,
  redactionAuthRule: false };
const v4: RoomVersionRules = { ...v3, id: '4', eventIdFormat: 'v4' };
const v5: RoomVersionRules = { ...v4, id: '5', enforceKeyValidity: true };
const v6: RoomVersionRules = {
  ...v5, id: '6', redaction: 'v6', specialCaseAliasesAuth: false, strictCanonicalJson: true,
  limitNotificationsPowerLevels: true,
};
const v7: RoomVersionRules = { ...v6, id: '7', knocking: true };
const v8: RoomVersionRules = { ...v7, id: '8', redaction: 'v8', restrictedJoins: true };
const v9: RoomVersionRules = { ...v8, id: '9', redaction: 'v9' };
const v10: RoomVersionRules = { ...v9, id: '10', knockRestricted: true, integerPowerLevels: true };
const v11: RoomVersionRules = { ...v10, id: '11', redaction: 'v11', createEventHasNoCreator: true, redactsInContent: true };
const v12: RoomVersionRules = {
  ...v11, id: '12', stateRes: 'v2.1', privilegedCreators: true, createEventNotInAuthEvents: true,
  roomIdFromCreateEvent: true,
};

export const ROOM_VERSIONS: ReadonlyMap<string, RoomVersionRules> = new Map(
  [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12].map((r) => [r.id, r]),
);

/** The rules for a room version, or undefined for one this build does not know. */
export function roomVersionRules(id: string): RoomVersionRules | undefined {
  return ROOM_VERSIONS.get(id);
}
