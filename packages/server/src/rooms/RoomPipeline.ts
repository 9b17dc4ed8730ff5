// The event pipeline for locally created events (DESIGN "How an event flows").
// Per room, events are built strictly one after another on the room's cached
// state: prev_events = the last event (linear history on one server), depth =
// last depth + 1, auth_events selected by the core, then the core's auth rules
// decide (a rejection is 403 M_FORBIDDEN with the rule's reason). Building is
// synchronous once the room is loaded, so JavaScript's single thread is the
// per-room serial queue; loading a room is the only asynchronous step and is
// shared by concurrent callers. Accepted events go to the EventPersister, which
// writes them in group-committed batches; callers get their event ID only
// after the commit (durability).
import { randomBytes } from 'node:crypto';
import { MatrixError, roomVersionRules, type JsonObject, type RoomEvent, type RoomVersionRules } from '@weft/core';
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { Notifier } from '../streams/Notifier.js';
import type { NewEvent, RoomStore } from '../storage/ports/rooms.js';
import { EventPersister } from './EventPersister.js';
import type { BuiltEvent, EventFactory, LocalEventInput } from './EventFactory.js';
import { RoomState, type CachedEvent } from './RoomState.js';
import { TxnCache } from './TxnCache.js';
import { relationOf } from '../relations/relationOf.js';
import type { EventSigner } from './EventSigner.js';

export interface SendRequest {
  roomId: string;
  sender: string;
  type: string;
  /** Present for state events (may be ''). */
  stateKey?: string;
  content: JsonObject;
  /** m.room.redaction target. */
  redacts?: string;
  /** Client transaction ID: the same (sender, device, txn) returns the same event. */
  txn?: { deviceId: string; txnId: string };
  /**
   * API-level checks against the room's current state, run inside the room's
   * queue just before building (throw a MatrixError to refuse). Return an event
   * ID to answer with it instead of sending anything (e.g. a no-op join).
   */
  precheck?: (state: RoomState) => string | void;
  /** The common precheck as a flag (no closure per send): 403 M_FORBIDDEN unless the sender is joined. Runs before `precheck`. */
  senderMustBeJoined?: boolean;
}

export interface SendResult {
  eventId: string;
  /** False when an earlier event was returned (transaction ID retry, no-op). */
  created: boolean;
}

export interface CreateRoomPlan {
  rules: RoomVersionRules;
  creator: string;
  /** Content of m.room.create (the planner set room_version/creator as the version requires). */
  createContent: JsonObject;
  /** Every further initial event, in order (room ID filled in by the pipeline). */
  events: Omit<SendRequest, 'roomId' | 'txn' | 'precheck'>[];
  isPublic: boolean;
  /**
   * Runs after the room ID is known and every event passed the auth rules,
   * before anything is written (e.g. claiming the alias). Throwing aborts.
   */
  beforePersist?: (roomId: string) => Promise<void>;
}

export interface PipelineDeps {
  store: RoomStore;
  generator: StreamIdGenerator;
  notifier: Notifier;
  factory: EventFactory;
  serverName: string;
  now?: () => number;
  /** Rooms kept in memory (least recently used evicted, never one with writes in flight). */
  maxCachedRooms?: number;
  /** Signs events after their commit when the factory defers signing (EventSigner.ts). */
  signer?: EventSigner;
}

interface Slot {
  state: RoomState;
  /** Events handed to the persister and not yet committed. */
  inFlight: number;
}

export class RoomPipeline {
  /**
   * Stream position of the newest m.room.member event built here (every event
   * of this server is), or the position at start: lets readers skip
   * "membership changed since X?" queries (device lists in /sync).
   */
  lastMemberEventPos: number;
  /** Called for each event built with an m.relates_to relation, with its type and parent's ID (the relations area's parent indexes). */
  onRelation: ((relType: string, parentId: string) => void) | undefined;
  private readonly rooms = new Map<string, Slot>();
  private readonly loading = new Map<string, Promise<Slot | undefined>>();
  private readonly txnsInFlight = new Map<string, Promise<SendResult>>();
  private readonly persister: EventPersister;
  private readonly txns: TxnCache;
  private readonly now: () => number;

  constructor(private readonly deps: PipelineDeps) {
    this.now = deps.now ?? Date.now;
    this.lastMemberEventPos = deps.generator.current;
    this.txns = new TxnCache(deps.store, this.now);
    this.persister = new EventPersister({
      store: deps.store,
      generator: deps.generator,
      notifier: deps.notifier,
      onBatchFailed: (roomIds) => {
        for (const id of roomIds) this.rooms.delete(id);
      },
      ...(deps.signer ? { signer: deps.signer } : {}),
    });
  }

  async start(): Promise<void> {
    await this.persister.start();
  }

  /** Resolves once every accepted event is written. */
  flushed(): Promise<void> {
    return this.persister.flushed();
  }

  /** Stops the signer's worker thread (after flushed()). */
  async close(): Promise<void> {
    await this.deps.signer?.close();
  }

  /** The room's current state (loaded and cached), or undefined for an unknown room. */
  async roomState(roomId: string): Promise<RoomState | undefined> {
    return (await this.slot(roomId))?.state;
  }

  /** Builds, authorises and persists one event. 404 M_NOT_FOUND for an unknown room. */
  send(req: SendRequest): Promise<SendResult> {
    if (!req.txn) return this.sendNow(req);
    if (req.txn.txnId.includes('\u0000') || req.txn.txnId.length > 1000) {
      return Promise.reject(new MatrixError(400, 'M_INVALID_PARAM', 'Invalid transaction ID'));
    }
    const key = `${req.sender}\u0000${req.txn.deviceId}\u0000${req.txn.txnId}`;
    const running = this.txnsInFlight.get(key);
    if (running) return running.then(asRetry);
    const earlier = this.txns.lookup(req.sender, req.txn.deviceId, req.txn.txnId);
    if (typeof earlier === 'string') return Promise.resolve({ eventId: earlier, created: false });
    // Hot path (answered from memory): sendTxn reaches the room's serial section
    // without an await (an async function runs synchronously up to its first await).
    const p = this.sendTxn(req as SendRequest & { txn: { deviceId: string; txnId: string } }, key, earlier);
    this.txnsInFlight.set(key, p);
    return p;
  }

  /** A send with a transaction ID not seen in memory: `earlier` is the database's answer when memory could not tell. */
  private async sendTxn(req: SendRequest & { txn: { deviceId: string; txnId: string } }, key: string, earlier: Promise<string | undefined> | undefined): Promise<SendResult> {
    try {
      if (earlier !== undefined) {
        const id = await earlier;
        if (id !== undefined) return { eventId: id, created: false };
      }
      const r = await this.sendNow(req);
      if (r.created) this.txns.remember(req.sender, req.txn.deviceId, req.txn.txnId, r.eventId);
      return r;
    } finally {
      this.txnsInFlight.delete(key);
    }
  }

  private async sendNow(req: SendRequest): Promise<SendResult> {
    const slot = this.rooms.get(req.roomId) ?? (await this.slot(req.roomId));
    if (!slot) throw new MatrixError(404, 'M_NOT_FOUND', `Unknown room ${req.roomId}`);
    // From here to enqueue() everything is synchronous: this is the room's serial section.
    if (req.senderMustBeJoined && slot.state.membershipOf(req.sender) !== 'join') {
      throw new MatrixError(403, 'M_FORBIDDEN', `${req.sender} is not in room ${req.roomId}`);
    }
    const existing = req.precheck?.(slot.state);
    if (typeof existing === 'string') return { eventId: existing, created: false };
    const built = this.buildOnto(slot.state, req, req.roomId);
    await this.persist(slot, built, req);
    return { eventId: built.eventId, created: true };
  }

  /**
   * Creates a room: builds the create event and every initial event on a fresh
   * state (nothing is written if any is refused: 400 M_INVALID_ROOM_STATE),
   * inserts the room row, then persists all events as one batch.
   */
  async createRoom(plan: CreateRoomPlan): Promise<{ roomId: string; eventIds: string[] }> {
    const { rules } = plan;
    const createReq = { sender: plan.creator, type: 'm.room.create', stateKey: '', content: plan.createContent };
    let roomId: string;
    let state: RoomState;
    let createBuilt: Built;
    if (rules.roomIdFromCreateEvent) {
      // v12: the create event has no room_id; the room ID is derived from its ID.
      const tmp = new RoomState('', undefined, rules);
      createBuilt = this.buildOnto(tmp, createReq, undefined);
      roomId = this.deps.factory.roomIdFromCreateEvent(rules, createBuilt.pdu);
      state = new RoomState(roomId, undefined, rules);
      state.apply({ event: createBuilt.event });
    } else {
      roomId = `!${randomId(18)}:${this.deps.serverName}`;
      state = new RoomState(roomId, undefined, rules);
      createBuilt = this.buildOnto(state, createReq, roomId);
    }
    const built: { b: Built; req: Omit<SendRequest, 'roomId'> }[] = [{ b: createBuilt, req: createReq }];
    for (const ev of plan.events) {
      try {
        built.push({ b: this.buildOnto(state, ev, roomId), req: ev });
      } catch (err) {
        if (err instanceof MatrixError && err.errcode === 'M_FORBIDDEN') {
          throw new MatrixError(400, 'M_INVALID_ROOM_STATE', `Initial ${ev.type} event refused: ${err.message}`);
        }
        throw err;
      }
    }
    await plan.beforePersist?.(roomId);
    state.roomNid = await this.deps.store.createRoom({
      roomId, roomVersion: rules.id, creator: plan.creator, isPublic: plan.isPublic, createdTs: this.now(),
    });
    const slot: Slot = { state, inFlight: 0 };
    this.remember(roomId, slot);
    await Promise.all(built.map(({ b, req }) => this.persist(slot, b, { ...req, roomId })));
    return { roomId, eventIds: built.map(({ b }) => b.eventId) };
  }

  /** Builds the event on `state`, authorises it, and applies it to `state`. Synchronous. */
  private buildOnto(state: RoomState, req: Omit<SendRequest, 'roomId'>, roomId: string | undefined): Built {
    const { factory } = this.deps;
    const { rules } = state;
    const authEvents: CachedEvent[] = [];
    for (const [type, stateKey] of factory.authKeys(rules, req)) {
      const c = state.state.get(`${type}\u0000${stateKey}`);
      if (c) authEvents.push(c);
    }
    // Plain assignments rather than conditional spreads (runtime calls in V8; once per event).
    const input: LocalEventInput = {
      roomId,
      sender: req.sender,
      type: req.type,
      content: req.content,
      originServerTs: this.now(),
      depth: state.lastDepth() + 1,
      prevEvents: state.last ? [state.last] : [],
      authEvents,
    };
    if (req.stateKey !== undefined) input.stateKey = req.stateKey;
    if (req.redacts !== undefined) input.redacts = req.redacts;
    // With a signer the factory only hashes; the persister signs: right after
    // the answer when the server is quiet (no other send in flight, nothing
    // waiting to be written — the request's latency is what counts, and the main
    // thread is idle then), else before the commit, a batch at a time.
    const quiet = this.txnsInFlight.size === 0 && this.persister.isIdle;
    if (this.deps.signer !== undefined) input.deferSignature = true;
    const built = factory.build(rules, input);
    const verdict = factory.checkAuth(rules, built.event, state.lookup);
    if (!verdict.allowed) throw new MatrixError(403, 'M_FORBIDDEN', verdict.reason ?? 'Event not allowed by the authorization rules');
    // Client-server API "unsigned": prev_content of the state event this one replaces.
    let unsigned: Record<string, unknown> | null = null;
    if (req.stateKey !== undefined) {
      const replaced = state.get(req.type, req.stateKey);
      if (replaced) {
        unsigned = { replaces_state: replaced.eventId, prev_content: replaced.content, prev_sender: replaced.sender };
      }
    }
    state.apply({ event: built.event });
    // A redacted state event keeps only what the redaction algorithm keeps, and
    // later auth checks must see that (e.g. a redacted m.room.power_levels).
    if (built.event.type === 'm.room.redaction' && built.event.redacts !== undefined) {
      for (const [key, c] of state.state) {
        if (c.event.eventId === built.event.redacts) state.state.set(key, { event: factory.redacted(rules, c.event) });
      }
    }
    const out: Built = { eventId: built.eventId, pdu: built.pdu, json: built.json, event: built.event, unsigned };
    if (built.signingJson !== undefined) {
      out.signingJson = built.signingJson;
      if (!quiet) out.signBeforeCommit = true;
    }
    return out;
  }

  private persist(slot: Slot, built: Built, req: Omit<SendRequest, 'precheck'>): Promise<void> {
    const ev = built.event;
    const { eventNid, streamPos } = this.persister.allocate();
    const membership = ev.type === 'm.room.member' && typeof ev.content['membership'] === 'string' ? (ev.content['membership'] as string) : null;
    // Optional fields assigned rather than spread in (spreads are runtime calls; once per event).
    const row: NewEvent = {
      eventNid,
      eventId: built.eventId,
      roomNid: slot.state.roomNid!,
      streamPos,
      depth: ev.depth,
      type: ev.type,
      stateKey: ev.stateKey ?? null,
      sender: ev.sender,
      originServerTs: ev.originServerTs,
      json: built.json,
      membership,
      unsignedJson: unsignedJson(built.unsigned, req.txn),
    };
    if (req.txn) row.txn = { userId: req.sender, deviceId: req.txn.deviceId, txnId: req.txn.txnId, createdTs: ev.originServerTs };
    if (ev.redacts !== undefined) row.redacts = ev.redacts;
    // The relations index row of an event that declares m.relates_to (relations/).
    const relation = relationOf(ev.content);
    if (relation) {
      row.relation = relation;
      this.onRelation?.(relation.relType, relation.relatesTo);
    }
    slot.inFlight++;
    const userIds = ev.type === 'm.room.member' && ev.stateKey !== undefined ? [ev.stateKey] : NO_USERS;
    if (ev.type === 'm.room.member' && streamPos > this.lastMemberEventPos) this.lastMemberEventPos = streamPos;
    // The persister settles the slot's in-flight count itself: no wrapper closures per event.
    return new Promise<void>((resolve, reject) => {
      this.persister.enqueue({
        row, roomId: slot.state.roomId, userIds, resolve, reject, owner: slot, signingJson: built.signingJson, signBeforeCommit: built.signBeforeCommit, pdu: built.pdu,
      });
    });
  }

  private async slot(roomId: string): Promise<Slot | undefined> {
    const cached = this.rooms.get(roomId);
    if (cached) return cached;
    let p = this.loading.get(roomId);
    if (!p) {
      p = this.load(roomId).finally(() => this.loading.delete(roomId));
      this.loading.set(roomId, p);
    }
    return p;
  }

  private async load(roomId: string): Promise<Slot | undefined> {
    const { store, factory } = this.deps;
    const room = await store.getRoom(roomId);
    if (!room) return undefined;
    const rules = roomVersionRules(room.roomVersion);
    if (!rules) throw new MatrixError(500, 'M_UNKNOWN', `Room ${roomId} has unknown version ${room.roomVersion}`);
    const state = new RoomState(roomId, room.roomNid, rules);
    const [rows, last] = await Promise.all([store.currentStateEvents(room.roomNid), store.lastEvent(room.roomNid)]);
    for (const r of rows) state.apply({ event: factory.parseStored(rules, r.eventId, r.json, r.redactedBy !== null) });
    state.last = last ? { event: factory.parseStored(rules, last.eventId, last.json) } : undefined;
    // A write may have cached the room meanwhile (createRoom); keep that one.
    const raced = this.rooms.get(roomId);
    if (raced) return raced;
    const slot: Slot = { state, inFlight: 0 };
    this.remember(roomId, slot);
    return slot;
  }

  private remember(roomId: string, slot: Slot): void {
    this.rooms.set(roomId, slot);
    const max = this.deps.maxCachedRooms ?? 10_000;
    if (this.rooms.size <= max) return;
    for (const [id, s] of this.rooms) {
      if (this.rooms.size <= max) break;
      if (s.inFlight === 0 && id !== roomId) this.rooms.delete(id);
    }
  }
}

/** Server-side unsigned data of the row; the transaction ID is only ever shown to its device. */
function unsignedJson(unsigned: Record<string, unknown> | null, txn: SendRequest['txn']): string | null {
  if (!txn) return unsigned ? JSON.stringify(unsigned) : null;
  return JSON.stringify(unsigned ? { ...unsigned, txn_id: txn.txnId, txn_device_id: txn.deviceId } : { txn_id: txn.txnId, txn_device_id: txn.deviceId });
}

type Built = BuiltEvent & { unsigned: Record<string, unknown> | null; signBeforeCommit?: boolean };

const NO_USERS: readonly string[] = [];

const asRetry = (r: SendResult): SendResult => ({ eventId: r.eventId, created: false });

function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

export type { RoomState, RoomEvent };
