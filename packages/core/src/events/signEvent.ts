// Signing and verifying events. Spec: content/server-server-api.md "Adding
// hashes and signatures to outgoing events" (content hash first, then sign
// the redacted event, copy the signature back) and "Validating hashes and
// signatures on received events".
import { encodeBase64 } from '../crypto/base64.js';
import { signBytes, verifyBytes, type SigningKey } from '../crypto/SigningKey.js';
import { serverNameOf } from '../ids/identifiers.js';
import type { CanonicalJsonOptions } from '../json/canonicalJson.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { computeContentHashBase64, redactedSigningJson } from './hashes.js';
import type { Pdu } from './types.js';

type Signatures = { [server: string]: { [keyId: string]: string } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function copySignatures(old: unknown): Signatures {
  const out: Signatures = {};
  if (!isObject(old)) return out;
  for (const [name, entry] of Object.entries(old)) {
    if (isObject(entry)) out[name] = { ...(entry as Record<string, string>) };
  }
  return out;
}

/**
 * Return a copy of `pdu` with `hashes.sha256` (added when absent) and
 * `serverName`'s signature over the redacted event. Existing signatures are
 * kept. `opts.strict` makes the content hash step enforce strict canonical JSON.
 */
export function signEvent(
  pdu: Pdu,
  serverName: string,
  key: SigningKey,
  rules: RoomVersionRules,
  opts?: CanonicalJsonOptions,
): Pdu & { hashes: { sha256: string }; signatures: Signatures } {
  const oldHashes = isObject(pdu.hashes) ? pdu.hashes : {};
  const hashes =
    typeof oldHashes.sha256 === 'string'
      ? (oldHashes as { sha256: string })
      : { ...oldHashes, sha256: computeContentHashBase64(pdu, opts) };
  const hashed: Pdu = { ...pdu, hashes };
  const sig = encodeBase64(signBytes(key, redactedSigningJson(hashed, rules)));
  const signatures = copySignatures(pdu.signatures);
  signatures[serverName] = { ...(signatures[serverName] ?? {}), [key.keyId]: sig };
  return { ...hashed, hashes, signatures };
}

/**
 * Check `serverName`'s signature with `keyId` on the redacted form of the
 * event (valid whether the full or a redacted copy was received). Never throws.
 * Key validity (valid_until_ts vs origin_server_ts, rooms v5+) is the caller's.
 */
export function verifyEventSignature(
  pdu: Pdu,
  rules: RoomVersionRules,
  serverName: string,
  keyId: string,
  publicKeyBase64: string,
): boolean {
  try {
    if (!isObject(pdu) || !isObject(pdu.signatures)) return false;
    const entry = pdu.signatures[serverName];
    if (!isObject(entry)) return false;
    const sig = entry[keyId];
    if (typeof sig !== 'string' || !keyId.startsWith('ed25519:')) return false;
    return verifyBytes(publicKeyBase64, redactedSigningJson(pdu, rules), sig);
  } catch {
    return false;
  }
}

/**
 * The servers whose signatures a received event must carry (server-server-api
 * "Validating hashes and signatures on received events"):
 * - the sender's server, except for an invite made from a third-party invite
 *   (m.room.member, membership invite, content.third_party_invite present);
 * - v1/v2: also the server in the event ID, if different;
 * - restricted-join versions: for a join with join_authorised_via_users_server,
 *   that user's server (also auth rule "validly signed by the homeserver of
 *   the user ID denoted by the key").
 * Unparseable IDs contribute nothing (format checks reject those first).
 */
export function requiredSignatureServers(pdu: Pdu, rules: RoomVersionRules): string[] {
  const out = new Set<string>();
  const content = isObject(pdu.content) ? pdu.content : {};
  const isMember = pdu.type === 'm.room.member';
  const thirdPartyInvite = isMember && content.membership === 'invite' && content.third_party_invite !== undefined;
  const senderServer = typeof pdu.sender === 'string' ? serverNameOf(pdu.sender) : undefined;
  if (!thirdPartyInvite && senderServer !== undefined) out.add(senderServer);
  if (rules.eventIdInEvent && typeof pdu.event_id === 'string') {
    const s = serverNameOf(pdu.event_id);
    if (s !== undefined) out.add(s);
  }
  if (rules.restrictedJoins && isMember && content.membership === 'join') {
    const via = content.join_authorised_via_users_server;
    const s = typeof via === 'string' ? serverNameOf(via) : undefined;
    if (s !== undefined) out.add(s);
  }
  return [...out];
}
