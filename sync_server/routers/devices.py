"""/api/v1/devices: the devices signed in to an account; revoking one signs it out."""

from __future__ import annotations

from fastapi import APIRouter, Response

from sync_server.deps import CallerDep, CollabDep, SessionDep
from sync_server.schemas import DevicePublic
from sync_server.services import accounts

router = APIRouter(prefix="/devices", tags=["devices"])


@router.get("")
def list_devices(session: SessionDep, caller: CallerDep) -> list[DevicePublic]:
    return [
        DevicePublic(
            id=d.id,
            name=d.name,
            created_at=d.created_at,
            last_seen_at=d.last_seen_at,
            revoked=d.revoked_at is not None,
            current=d.id == caller.device_id,
        )
        for d in accounts.list_devices(session=session, user=caller.user)
    ]


@router.delete("/{device_id}", status_code=204)
def revoke_device(
    device_id: str, session: SessionDep, caller: CallerDep, hub: CollabDep
) -> Response:
    accounts.revoke_device(session=session, user=caller.user, device_id=device_id)
    hub.members_changed(None, [caller.user_id])  # its live sessions end too
    return Response(status_code=204)
