// Mainline ordering.
// Spec: content/rooms/fragments/v2-state-res.md "Mainline ordering".

import type { RoomEvent } from '../events/types.js';
import { powerLevelsAuthEventOf, type GetEvent } from './eventHelpers.js';

/**
 * The mainline of a power levels event P0: [P0, P1, …] following the power
 * levels event in each one's auth_events. Returned as eventId → position i.
 */
export function mainlineOf(powerLevelsEventId: string | undefined, getEvent: GetEvent): Map<string, number> {
  const positions = new Map<string, number>();
  let id = powerLevelsEventId;
  let i = 0;
  while (id !== undefined && !positions.has(id)) {
    const ev = getEvent(id);
    if (!ev) break;
    positions.set(id, i++);
    id = powerLevelsAuthEventOf(ev, getEvent)?.eventId;
  }
  return positions;
}

/**
 * Sorts events by mainline ordering based on `powerLevelsEventId` (the power
 * levels event of the partially resolved state): greater mainline position
 * first (∞ when no cited power levels chain reaches the mainline), then
 * smaller origin_server_ts, then smaller event_id. Unknown events are dropped.
 * Positions of power levels events met on the way are memoised, so each chain
 * is walked once.
 */
export function mainlineSort(
  eventIds: Iterable<string>,
  powerLevelsEventId: string | undefined,
  getEvent: GetEvent,
): string[] {
  const mainline = mainlineOf(powerLevelsEventId, getEvent);
  // memo: power levels event ID → position of the first mainline event in [it, its PL, …]
  const memo = new Map<string, number>();
  const positionOf = (ev: RoomEvent): number => {
    const walked: string[] = [];
    let pl = powerLevelsAuthEventOf(ev, getEvent);
    let pos = Infinity;
    while (pl) {
      const m = mainline.get(pl.eventId) ?? memo.get(pl.eventId);
      if (m !== undefined) {
        pos = m;
        break;
      }
      walked.push(pl.eventId);
      pl = powerLevelsAuthEventOf(pl, getEvent);
    }
    for (const id of walked) memo.set(id, pos);
    return pos;
  };
  const events: RoomEvent[] = [];
  for (const id of eventIds) {
    const ev = getEvent(id);
    if (ev) events.push(ev);
  }
  const n = events.length;
  const pos = new Float64Array(n);
  for (let i = 0; i < n; i++) pos[i] = positionOf(events[i]!);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    if (pos[a] !== pos[b]) return pos[a]! > pos[b]! ? -1 : 1;
    const ea = events[a]!;
    const eb = events[b]!;
    if (ea.originServerTs !== eb.originServerTs) return ea.originServerTs - eb.originServerTs;
    return ea.eventId < eb.eventId ? -1 : ea.eventId > eb.eventId ? 1 : 0;
  });
  return order.map((i) => events[i]!.eventId);
}
