// The in-memory view of one room the event pipeline builds on: version rules,
// current state (as parsed events, for auth checks and auth event selection)
// and the forward extremity. Rooms created here have linear history, so the
// extremity is simply the last event (NOTSPEC-ish simplification until
// federation brings DAG state; see ARCHITECTURE.md "Rooms").
import type { RoomEvent, RoomVersionRules, StateKey } from '@weft/core';
import { stateKeyOf } from '@weft/core';

/** An event the pipeline can cite in prev_events / auth_events. */
export interface CachedEvent {
  readonly event: RoomEvent;
  /** Reference hash (unpadded base64), computed lazily for v1/v2 references. */
  refHash?: string;
}

export class RoomState {
  readonly state = new Map<StateKey, CachedEvent>();
  /** The last event (forward extremity), undefined for a room without events yet. */
  last: CachedEvent | undefined;

  constructor(
    readonly roomId: string,
    /** undefined until the rooms row exists (createRoom builds before inserting it). */
    public roomNid: number | undefined,
    readonly rules: RoomVersionRules,
  ) {}

  get(type: string, stateKey: string): RoomEvent | undefined {
    return this.state.get(stateKeyOf(type, stateKey))?.event;
  }

  /** `get` as a standalone function (the auth rules' state lookup), made once per room rather than per event. */
  readonly lookup = (type: string, stateKey: string): RoomEvent | undefined => this.get(type, stateKey);

  lastDepth(): number {
    return this.last?.event.depth ?? 0;
  }

  /** Applies a newly built (and authorised) event. */
  apply(cached: CachedEvent): void {
    const ev = cached.event;
    if (ev.stateKey !== undefined) this.state.set(stateKeyOf(ev.type, ev.stateKey), cached);
    this.last = cached;
  }

  /** content.membership of the user's current m.room.member event, or undefined. */
  membershipOf(userId: string): string | undefined {
    const m = this.get('m.room.member', userId)?.content['membership'];
    return typeof m === 'string' ? m : undefined;
  }

  /** Users whose current membership is `membership`. */
  members(membership = 'join'): string[] {
    const out: string[] = [];
    for (const { event } of this.state.values()) {
      if (event.type === 'm.room.member' && event.stateKey !== undefined && event.content['membership'] === membership) {
        out.push(event.stateKey);
      }
    }
    return out;
  }
}
