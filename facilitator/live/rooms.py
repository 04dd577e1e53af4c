"""Socket.IO room names, one per workshop and role, and one per participant."""

ROLES = ("participants", "moderators", "screens")


def workshop_room(workshop_id: int, role: str) -> str:
    if role not in ROLES:
        raise ValueError(role)
    return f"w:{workshop_id}:{role}"


def everyone(workshop_id: int) -> list[str]:
    return [workshop_room(workshop_id, role) for role in ROLES]


def public_rooms(workshop_id: int) -> list[str]:
    """Participants and screens: everyone who sees only what is public."""
    return [workshop_room(workshop_id, "participants"), workshop_room(workshop_id, "screens")]


def participant_room(participant_id: int) -> str:
    return f"p:{participant_id}"
