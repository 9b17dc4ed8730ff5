// The numbering of each room version's authorization rule list, computed from the
// version's flags, so a rejection can name the rule as the spec numbers it.
// v1–v2: rooms/fragments/v1-auth-rules.md; v3–v5: v3-auth-rules.md; v6–v7: rooms/v6.md,
// v7.md; v8–v9: v8-auth-rules.md; v10–v11: rooms/v10.md, v11.md; v12: rooms/v12.md.

import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';

type Top =
  | 'create' | 'roomId' | 'authEvents' | 'federate' | 'aliases' | 'member' | 'senderJoined'
  | 'thirdPartyInvite' | 'requiredPowerLevel' | 'stateKeyUserId' | 'powerLevels' | 'redaction' | 'otherwise';

function position<T>(list: readonly T[], name: T): string {
  const i = list.indexOf(name);
  if (i < 0) throw new Error(`auth rule ${String(name)} does not exist in this room version`);
  return String(i + 1);
}

function topList(r: RoomVersionRules): Top[] {
  return [
    'create',
    ...(r.roomIdFromCreateEvent ? ['roomId' as const] : []),
    'authEvents', 'federate',
    ...(r.specialCaseAliasesAuth ? ['aliases' as const] : []),
    'member', 'senderJoined', 'thirdPartyInvite', 'requiredPowerLevel', 'stateKeyUserId', 'powerLevels',
    ...(r.redactionAuthRule ? ['redaction' as const] : []),
    'otherwise',
  ];
}

/** Number of a top-level rule, with optional sub-numbers appended ("4" + [3, 2] → "4.3.2"). */
export function topRule(r: RoomVersionRules, name: Top, ...sub: Array<number | string>): string {
  return [position(topList(r), name), ...sub].join('.');
}

type CreateRule = 'prevEvents' | 'roomId' | 'roomVersion' | 'creator' | 'additionalCreators';
export function createRule(r: RoomVersionRules, name: CreateRule): string {
  const list: CreateRule[] = [
    'prevEvents', 'roomId', 'roomVersion',
    ...(r.createEventHasNoCreator ? [] : ['creator' as const]),
    ...(r.privilegedCreators ? ['additionalCreators' as const] : []),
  ];
  return topRule(r, 'create', position(list, name));
}

/** Sub-rules of "Considering the event's auth_events" keep their numbers in every version
 *  (v12 drops 3.4 and keeps 3.5). */
export type AuthEventsRule = 'duplicate' | 'notSelected' | 'rejected' | 'noCreate' | 'roomId';
export function authEventsRule(r: RoomVersionRules, name: AuthEventsRule): string {
  return topRule(r, 'authEvents', position(['duplicate', 'notSelected', 'rejected', 'noCreate', 'roomId'], name));
}

type MemberRule = 'shape' | 'authorisedVia' | 'join' | 'invite' | 'leave' | 'ban' | 'knock' | 'unknown';
export function memberRule(r: RoomVersionRules, name: MemberRule, ...sub: Array<number | string>): string {
  const list: MemberRule[] = [
    'shape',
    ...(r.restrictedJoins ? ['authorisedVia' as const] : []),
    'join', 'invite', 'leave', 'ban',
    ...(r.knocking ? ['knock' as const] : []),
    'unknown',
  ];
  return topRule(r, 'member', position(list, name), ...sub);
}

type JoinRule = 'firstJoin' | 'notSelf' | 'banned' | 'invite' | 'restricted' | 'public' | 'otherwise';
export function joinRule(r: RoomVersionRules, name: JoinRule, ...sub: number[]): string {
  const list: JoinRule[] = [
    'firstJoin', 'notSelf', 'banned', 'invite',
    ...(r.restrictedJoins ? ['restricted' as const] : []),
    'public', 'otherwise',
  ];
  return memberRule(r, 'join', position(list, name), ...sub);
}

type PowerLevelsRule =
  | 'namedInteger' | 'mapsInteger' | 'users' | 'creatorsInUsers' | 'noPrevious' | 'named'
  | 'mapsRemoved' | 'mapsAdded' | 'usersRemoved' | 'usersAdded' | 'otherwise';
export function powerLevelsRule(r: RoomVersionRules, name: PowerLevelsRule, ...sub: number[]): string {
  const list: PowerLevelsRule[] = [
    ...(r.integerPowerLevels ? ['namedInteger' as const, 'mapsInteger' as const] : []),
    'users',
    ...(r.privilegedCreators ? ['creatorsInUsers' as const] : []),
    'noPrevious', 'named', 'mapsRemoved', 'mapsAdded', 'usersRemoved', 'usersAdded', 'otherwise',
  ];
  return topRule(r, 'powerLevels', position(list, name), ...sub);
}
