// Event shapes. The core reads events leniently (only the fields a rule names),
// and keeps the wire JSON so hashes are computed over exactly what arrived.
// Spec: content/server-server-api.md "PDUs", content/rooms/v*.md "Event format".

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A PDU as it travels between servers: the exact wire JSON. Fields are
 * optional in the type because input is untrusted; checkPduFormat() is what
 * guarantees them.
 */
export interface Pdu {
  [key: string]: JsonValue | undefined;
  event_id?: string; // v1/v2 only on the wire
  room_id?: string; // absent on v12 create events
  sender?: string;
  type?: string;
  state_key?: string;
  content?: JsonObject;
  origin_server_ts?: number;
  prev_events?: JsonValue[];
  auth_events?: JsonValue[];
  depth?: number;
  hashes?: { sha256?: string } & JsonObject;
  signatures?: { [server: string]: { [keyId: string]: string } };
  unsigned?: JsonObject;
  redacts?: string;
}

/**
 * An event as the auth rules and state resolution see it: the PDU plus its
 * (computed, for v3+) event ID, with references flattened to IDs.
 */
export interface RoomEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
  readonly type: string;
  readonly stateKey: string | undefined;
  readonly content: JsonObject;
  readonly originServerTs: number;
  readonly depth: number;
  readonly prevEventIds: readonly string[];
  readonly authEventIds: readonly string[];
  /** v1–v10 top-level `redacts`; v11+ content.redacts. */
  readonly redacts: string | undefined;
  /** The wire JSON this was made from. */
  readonly pdu: Pdu;
}

/** Key of a state entry: `${type}\u0000${stateKey}` — use stateKeyOf(). */
export type StateKey = string;
export const stateKeyOf = (type: string, stateKey: string): StateKey => `${type}\u0000${stateKey}`;
export const splitStateKey = (key: StateKey): [string, string] => {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
};
/** A room state: (type, state_key) → event ID. */
export type StateMap = ReadonlyMap<StateKey, string>;
