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

from nio import responses as R
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
    failed_extras = 0
    try:
        # POST /r0/register (nio sends the m.login.dummy stage itself).
        reg = expect("register", await alice.register(alice_name, PASSWORD, "nio alice"), RegisterResponse)
        expect("register", await bob.register(bob_name, PASSWORD, "nio bob"), RegisterResponse)
        report("register", user_id=reg.user_id)

        # POST /r0/login with a password: a second device for each user.
        await alice.close()
        await bob.close()
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

        failed_extras = await extras(alice, bob, room_id, sent.event_id, suffix)
    except StepFailed:
        return 1
    finally:
        await alice.close()
        await bob.close()
    return 1 if failed_extras else 0


async def extras(alice, bob, room_id, event_id, suffix):
    """Independent checks of more r0 endpoints through nio's typed (schema-validated) responses.
    Each reports its own step; a failure does not stop the others. Returns the number failed."""
    failed = 0

    async def check(step, call, kind, facts=lambda r: {}):
        nonlocal failed
        try:
            resp = await call()
        except Exception as err:  # a response nio could not parse is a finding too
            failed += 1
            report(step, False, error=f"exception {type(err).__name__}: {err}")
            return None
        if not isinstance(resp, kind):
            failed += 1
            report(step, False, error=f"{type(resp).__name__}: {getattr(resp, 'message', '')} status={getattr(resp, 'status_code', '')}")
            return None
        report(step, **facts(resp))
        return resp

    await check("whoami", lambda: alice.whoami(), R.WhoamiResponse, lambda r: {"user_id": r.user_id})
    await check("joined_rooms", lambda: bob.joined_rooms(), R.JoinedRoomsResponse, lambda r: {"has_room": room_id in r.rooms})
    await check("devices", lambda: alice.devices(), R.DevicesResponse, lambda r: {"count": len(r.devices)})
    await check("update_device", lambda: alice.update_device(alice.device_id, {"display_name": "renamed by nio"}), R.UpdateDeviceResponse)
    put = await check("room_put_state", lambda: alice.room_put_state(room_id, "org.weft.nio", {"n": 1}, state_key="k"), R.RoomPutStateResponse)
    await check("room_get_state_event", lambda: bob.room_get_state_event(room_id, "org.weft.nio", "k"), R.RoomGetStateEventResponse, lambda r: {"content": r.content})
    await check("room_get_state", lambda: bob.room_get_state(room_id), R.RoomGetStateResponse,
                lambda r: {"types": sorted({e["type"] for e in r.events})})
    await check("room_get_event", lambda: bob.room_get_event(room_id, event_id), R.RoomGetEventResponse,
                lambda r: {"event_id": r.event.event_id, "body": getattr(r.event, "body", None)})
    await check("room_context", lambda: bob.room_context(room_id, event_id, limit=4), R.RoomContextResponse,
                lambda r: {"event_id": r.event.event_id, "before": len(r.events_before), "after": len(r.events_after), "state": len(r.state)})
    red = await check("room_redact", lambda: alice.room_redact(room_id, event_id, reason="nio redaction"), R.RoomRedactResponse)
    if red:
        await check("redacted_event", lambda: bob.room_get_event(room_id, event_id), R.RoomGetEventResponse,
                    lambda r: {"type": type(r.event).__name__})
    await check("set_displayname", lambda: bob.set_displayname("Nio Bob"), R.ProfileSetDisplayNameResponse)
    await check("get_displayname", lambda: alice.get_displayname(bob.user_id), R.ProfileGetDisplayNameResponse, lambda r: {"displayname": r.displayname})
    await check("get_profile", lambda: alice.get_profile(bob.user_id), R.ProfileGetResponse, lambda r: {"displayname": r.displayname})
    alias = f"#nio_{suffix}:{alice.user_id.split(':', 1)[1]}"
    await check("room_put_alias", lambda: alice.room_put_alias(alias, room_id), R.RoomPutAliasResponse)
    await check("room_resolve_alias", lambda: bob.room_resolve_alias(alias), R.RoomResolveAliasResponse, lambda r: {"room_id": r.room_id})
    await check("room_delete_alias", lambda: alice.room_delete_alias(alias), R.RoomDeleteAliasResponse)
    await check("room_get_visibility", lambda: alice.room_get_visibility(room_id), R.RoomGetVisibilityResponse, lambda r: {"visibility": r.visibility})
    await check("set_presence", lambda: alice.set_presence("online", "nio here"), R.PresenceSetResponse)
    await check("get_presence", lambda: bob.get_presence(alice.user_id), R.PresenceGetResponse, lambda r: {"presence": r.presence, "status_msg": r.status_msg})
    await check("upload_filter", lambda: bob.upload_filter(room={"timeline": {"limit": 1}}), R.UploadFilterResponse, lambda r: {"filter_id": r.filter_id})
    await check("room_read_markers", lambda: bob.room_read_markers(room_id, event_id, event_id), R.RoomReadMarkersResponse)
    await check("room_kick", lambda: alice.room_kick(room_id, bob.user_id, "nio kick"), R.RoomKickResponse)
    await check("room_ban", lambda: alice.room_ban(room_id, bob.user_id, "nio ban"), R.RoomBanResponse)
    await check("room_unban", lambda: alice.room_unban(room_id, bob.user_id), R.RoomUnbanResponse)
    await check("room_leave", lambda: alice.room_leave(room_id), R.RoomLeaveResponse)
    await check("room_forget", lambda: alice.room_forget(room_id), R.RoomForgetResponse)
    await check("logout", lambda: bob.logout(), R.LogoutResponse)
    return failed


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
