"""Drives two matrix-nio AsyncClients (Debian's python3-matrix-nio, which speaks only the r0 API)
against a Weft server; run by nio.test.ts as `python3 nio_client.py BASE_URL`.

Prints one JSON object per step on stdout: {"step": name, "ok": true, ...facts} and, on the first
failure, {"step": name, "ok": false, "error": ...} and exits 1. The TypeScript test asserts on the facts.
"""
import asyncio
import json
import sys
import time
import uuid

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    LoginResponse,
    RegisterResponse,
    RoomCreateResponse,
    RoomMessagesResponse,
    RoomSendResponse,
    SyncResponse,
)

PASSWORD = "nio correct horse"


def report(step, ok=True, **facts):
    print(json.dumps({"step": step, "ok": ok, **facts}), flush=True)


class StepFailed(Exception):
    pass


def expect(step, resp, kind):
    if not isinstance(resp, kind):
        report(step, False, error=f"{type(resp).__name__}: {getattr(resp, 'message', '')} "
               f"status={getattr(resp, 'status_code', '')} transport={getattr(resp, 'transport_response', '')}")
        raise StepFailed(step)
    return resp


async def sync_until(client, step, predicate, timeout_s=10.0):
    """Incremental /sync (long-poll 1 s) until predicate(client, response) holds."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        resp = expect(step, await client.sync(timeout=1000, full_state=False), SyncResponse)
        found = predicate(client, resp)
        if found:
            return found
    report(step, False, error=f"not seen within {timeout_s} s")
    raise StepFailed(step)


def timeline_event(room_id, match):
    def predicate(_client, resp):
        room = resp.rooms.join.get(room_id)
        if not room:
            return None
        for ev in room.timeline.events:
            if match(ev):
                return ev
        return None
    return predicate


async def main(base_url):
    config = AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False)
    suffix = uuid.uuid4().hex[:6]
    alice_name, bob_name = f"nio_alice_{suffix}", f"nio_bob_{suffix}"
    alice = AsyncClient(base_url, alice_name, config=config)
    bob = AsyncClient(base_url, bob_name, config=config)
    try:
        # POST /r0/register (nio sends the m.login.dummy stage itself).
        reg = expect("register", await alice.register(alice_name, PASSWORD, "nio alice"), RegisterResponse)
        expect("register", await bob.register(bob_name, PASSWORD, "nio bob"), RegisterResponse)
        report("register", user_id=reg.user_id)

        # POST /r0/login with a password: a second device for each user.
        alice = AsyncClient(base_url, alice_name, config=config)
        bob = AsyncClient(base_url, bob_name, config=config)
        login = expect("login", await alice.login(PASSWORD, device_name="nio alice 2"), LoginResponse)
        expect("login", await bob.login(PASSWORD, device_name="nio bob 2"), LoginResponse)
        report("login", user_id=login.user_id, device_id=login.device_id)

        expect("initial_sync", await alice.sync(timeout=0), SyncResponse)
        expect("initial_sync", await bob.sync(timeout=0), SyncResponse)
        report("initial_sync", next_batch=bool(alice.next_batch))

        created = expect("room_create", await alice.room_create(name="nio room", invite=[bob.user_id]), RoomCreateResponse)
        room_id = created.room_id
        report("room_create", room_id=room_id)

        await sync_until(bob, "invite_seen", lambda c, r: room_id in r.rooms.invite)
        report("invite_seen", invited_room_name=bob.invited_rooms[room_id].name)

        expect("join", await bob.join(room_id), JoinResponse)
        await sync_until(alice, "join_seen", timeline_event(
            room_id, lambda ev: getattr(ev, "membership", None) == "join" and ev.state_key == bob.user_id))
        report("join", joined_members=sorted(m.user_id for m in (await alice.joined_members(room_id)).members))

        sent = expect("room_send", await alice.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": "hello from nio alice"}), RoomSendResponse)
        got = await sync_until(bob, "message_to_bob", timeline_event(room_id, lambda ev: ev.event_id == sent.event_id))
        report("message_to_bob", event_id=got.event_id, body=getattr(got, "body", None), sender=got.sender)

        reply = expect("room_send", await bob.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": "hello from nio bob"}), RoomSendResponse)
        got = await sync_until(alice, "message_to_alice", timeline_event(room_id, lambda ev: ev.event_id == reply.event_id))
        report("message_to_alice", event_id=got.event_id, body=getattr(got, "body", None), sender=got.sender)

        # Typing (PUT /r0/rooms/{id}/typing/{user}) arrives as an ephemeral m.typing event.
        await bob.room_typing(room_id, True, 20000)

        def typing_seen(_c, r):
            room = r.rooms.join.get(room_id)
            if room:
                for ev in room.ephemeral:
                    if type(ev).__name__ == "TypingNoticeEvent" and bob.user_id in ev.users:
                        return ev
            return None
        await sync_until(alice, "typing", typing_seen)
        report("typing", user=bob.user_id)

        # Read receipt (POST /r0/rooms/{id}/receipt/m.read/{event}).
        await bob.update_receipt_marker(room_id, sent.event_id)

        def receipt_seen(_c, r):
            room = r.rooms.join.get(room_id)
            if room:
                for ev in room.ephemeral:
                    if type(ev).__name__ == "ReceiptEvent":
                        for rc in ev.receipts:
                            if rc.user_id == bob.user_id and rc.event_id == sent.event_id:
                                return rc
            return None
        await sync_until(alice, "receipt", receipt_seen)
        report("receipt", user=bob.user_id, event_id=sent.event_id)

        # GET /r0/rooms/{id}/messages backwards from bob's latest sync token (after his own reply).
        expect("room_messages", await bob.sync(timeout=0), SyncResponse)
        msgs = expect("room_messages", await bob.room_messages(room_id, bob.next_batch, limit=50), RoomMessagesResponse)
        bodies = [getattr(ev, "body", None) for ev in msgs.chunk if getattr(ev, "body", None)]
        report("room_messages", bodies=bodies, count=len(msgs.chunk))
    except StepFailed:
        return 1
    finally:
        await alice.close()
        await bob.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
