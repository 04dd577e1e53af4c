"""Database-level integrity: the schema refuses what the services must never write.

These tests write rows directly, bypassing the services, so that they check
the constraints themselves. They run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from facilitator.accounts.models import Organizer
from facilitator.extensions import db
from facilitator.participation.models import Participant, Position, Reaction, Vote, VoteChoice
from facilitator.workshops.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Option,
    Prompt,
    Workshop,
    hash_token,
    new_join_code,
)
from facilitator.workshops.services import create_workshop, find_workshop

_serial = iter(range(1, 1_000_000))


@pytest.fixture
def agenda(ctx):
    """A workshop from the IGF template with two participants, committed."""
    workshop, _ = create_workshop("Integrity", template="igf-ai-copyright")
    alice = make_participant(workshop, "onsite")
    bob = make_participant(workshop, "online")
    db.session.commit()
    return workshop, alice, bob


def make_participant(workshop: Workshop, attendance: str = "onsite", **fields) -> Participant:
    participant = Participant(workshop=workshop, attendance=attendance,
                              token_hash=hash_token(f"token-{next(_serial)}"), **fields)
    db.session.add(participant)
    db.session.flush()
    return participant


def assert_rejected(*rows) -> None:
    """Adding the rows must fail with an IntegrityError, and leave nothing behind."""
    db.session.add_all(rows)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def single_prompt(workshop: Workshop) -> Prompt:
    return workshop.prompts[0]


# -- votes --------------------------------------------------------------------------


def test_one_vote_per_participant_and_prompt(agenda):
    workshop, alice, _ = agenda
    prompt = single_prompt(workshop)
    db.session.add(Vote(prompt=prompt, participant=alice))
    db.session.commit()

    assert_rejected(Vote(prompt_id=prompt.id, participant_id=alice.id))
    assert db.session.scalar(select(db.func.count()).select_from(Vote)) == 1


def test_other_participants_and_prompts_may_vote(agenda):
    workshop, alice, bob = agenda
    first, second = workshop.prompts[0], workshop.prompts[1]
    db.session.add_all([
        Vote(prompt=first, participant=alice),
        Vote(prompt=first, participant=bob),
        Vote(prompt=second, participant=alice),
    ])
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Vote)) == 3


def test_vote_choice_must_be_an_option_of_the_votes_prompt(agenda):
    workshop, alice, _ = agenda
    first, second = workshop.prompts[0], workshop.prompts[1]
    vote = Vote(prompt=first, participant=alice)
    db.session.add(vote)
    db.session.commit()
    foreign_option = second.options[0]

    # The choice claims the vote's prompt: (option_id, prompt_id) matches no option.
    assert_rejected(VoteChoice(vote_id=vote.id, option_id=foreign_option.id, prompt_id=first.id))
    # The choice claims the option's prompt: (vote_id, prompt_id) matches no vote.
    assert_rejected(VoteChoice(vote_id=vote.id, option_id=foreign_option.id, prompt_id=second.id))

    db.session.add(VoteChoice(vote_id=vote.id, option_id=first.options[0].id, prompt_id=first.id))
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(VoteChoice)) == 1


def test_a_vote_choice_is_recorded_once(agenda):
    workshop, alice, _ = agenda
    prompt = workshop.prompts[1]
    vote = Vote(prompt=prompt, participant=alice)
    db.session.add(vote)
    db.session.commit()
    vote_id, prompt_id, option_id = vote.id, prompt.id, prompt.options[0].id
    db.session.add(VoteChoice(vote_id=vote_id, option_id=option_id, prompt_id=prompt_id))
    db.session.commit()
    db.session.expunge_all()

    assert_rejected(VoteChoice(vote_id=vote_id, option_id=option_id, prompt_id=prompt_id))


# -- positions and reactions --------------------------------------------------------


def position(workshop, participant, client_id="c-1", **fields) -> Position:
    fields.setdefault("prompt_id", single_prompt(workshop).id)
    return Position(participant_id=participant.id, text="Machines are not authors.",
                    client_id=client_id, **fields)


def test_client_id_is_unique_per_participant(agenda):
    workshop, alice, bob = agenda
    db.session.add(position(workshop, alice, "retry-me"))
    db.session.commit()

    assert_rejected(position(workshop, alice, "retry-me"))
    # The same client_id from someone else is a different position.
    db.session.add(position(workshop, bob, "retry-me"))
    db.session.commit()


def test_position_option_must_belong_to_its_prompt(agenda):
    workshop, alice, _ = agenda
    first, second = workshop.prompts[0], workshop.prompts[1]

    assert_rejected(position(workshop, alice, prompt_id=first.id, option_id=second.options[0].id))

    db.session.add(position(workshop, alice, prompt_id=first.id, option_id=first.options[0].id))
    db.session.add(position(workshop, alice, "no-option", prompt_id=first.id, option_id=None))
    db.session.commit()


def test_one_reaction_per_participant_and_position(agenda):
    workshop, alice, bob = agenda
    stated = position(workshop, alice)
    db.session.add(stated)
    db.session.commit()
    db.session.add(Reaction(position_id=stated.id, participant_id=bob.id, value="agree"))
    db.session.commit()

    assert_rejected(Reaction(position_id=stated.id, participant_id=bob.id, value="disagree"))


@pytest.mark.parametrize("value", ["love", "", "AGREE"])
def test_reaction_value_is_checked(agenda, value):
    workshop, alice, bob = agenda
    stated = position(workshop, alice)
    db.session.add(stated)
    db.session.commit()

    assert_rejected(Reaction(position_id=stated.id, participant_id=bob.id, value=value))


# -- check constraints --------------------------------------------------------------


@pytest.mark.parametrize("status", ["open", "", "LIVE"])
def test_workshop_status_is_checked(ctx, status):
    workshop, _ = create_workshop("Status")
    db.session.commit()
    workshop.status = status
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_workshop_moderation_and_length_are_checked(ctx):
    workshop, _ = create_workshop("Checks")
    db.session.commit()
    for column, value in [("moderation", "none"), ("position_max_length", 0),
                          ("position_max_length", 5001)]:
        setattr(workshop, column, value)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_prompt_kind_and_status_are_checked(agenda):
    workshop, _, _ = agenda
    prompt = single_prompt(workshop)
    for column, value in [("kind", "ranked"), ("status", "draft")]:
        setattr(prompt, column, value)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_position_status_is_checked(agenda):
    workshop, alice, _ = agenda
    assert_rejected(position(workshop, alice, status="deleted"))


@pytest.mark.parametrize("attendance", ["remote", "", "ONSITE"])
def test_participant_attendance_is_checked(agenda, attendance):
    workshop, _, _ = agenda
    assert_rejected(Participant(workshop_id=workshop.id, attendance=attendance,
                                token_hash=hash_token("attendance")))


@pytest.mark.parametrize("group", ["politicians", "Government", ""])
def test_participant_stakeholder_group_is_checked(agenda, group):
    workshop, _, _ = agenda
    assert_rejected(Participant(workshop_id=workshop.id, attendance="online",
                                stakeholder_group=group, token_hash=hash_token("group")))


def test_every_stakeholder_group_and_none_is_accepted(agenda):
    from facilitator.participation.models import STAKEHOLDER_GROUPS

    workshop, _, _ = agenda
    for group in (*STAKEHOLDER_GROUPS, None):
        make_participant(workshop, "online", stakeholder_group=group, country="CH")
    db.session.commit()
    stored = db.session.scalars(select(Participant.stakeholder_group).where(
        Participant.workshop_id == workshop.id, Participant.country == "CH"))
    assert sorted(stored, key=str) == sorted([*STAKEHOLDER_GROUPS, None], key=str)
    db.session.commit()


def test_participant_country_is_two_letters(agenda):
    workshop, _, _ = agenda
    assert_rejected(Participant(workshop_id=workshop.id, attendance="online", country="C",
                                token_hash=hash_token("country")))


def test_options_of_a_prompt_have_distinct_places(agenda):
    workshop, _, _ = agenda
    prompt = single_prompt(workshop)
    assert_rejected(Option(prompt_id=prompt.id, order=1, label="Another first option"))


def test_prompts_of_a_workshop_have_distinct_places(agenda):
    workshop, _, _ = agenda
    assert_rejected(Prompt(workshop_id=workshop.id, order=2, text="Duplicate place"))


def test_deleting_a_workshop_removes_its_rows(agenda):
    workshop, alice, bob = agenda
    prompt = single_prompt(workshop)
    vote = Vote(prompt=prompt, participant=alice)
    db.session.add(vote)
    db.session.flush()
    db.session.add(VoteChoice(vote_id=vote.id, option_id=prompt.options[0].id, prompt_id=prompt.id))
    stated = position(workshop, bob)
    db.session.add(stated)
    db.session.flush()
    db.session.add(Reaction(position_id=stated.id, participant_id=alice.id, value="pass"))
    db.session.commit()
    workshop_id = workshop.id
    db.session.expunge_all()

    db.session.execute(text("DELETE FROM workshops WHERE id = :id"), {"id": workshop_id})
    db.session.commit()
    for model in (Prompt, Option, Participant, Vote, VoteChoice, Position, Reaction):
        assert db.session.scalar(select(db.func.count()).select_from(model)) == 0, model


# -- join codes, tokens, timestamps -------------------------------------------------


def test_join_code_alphabet_is_unambiguous():
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert CODE_LENGTH == 6
    codes = {new_join_code() for _ in range(2000)}
    assert len(codes) > 1990  # random, not sequential
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(CODE_ALPHABET)
    # Over 2,000 codes every letter of the alphabet shows up.
    assert set("".join(codes)) == set(CODE_ALPHABET)


def test_workshop_codes_are_unique_and_found_in_any_case(ctx):
    made = [create_workshop(f"W{i}")[0] for i in range(20)]
    db.session.commit()
    assert len({w.code for w in made}) == 20
    for workshop in made:
        assert len(workshop.code) == 6 and set(workshop.code) <= set(CODE_ALPHABET)
    sample = made[0]
    assert find_workshop(sample.code.lower()) is sample
    assert find_workshop(f"  {sample.code.lower()} ") is sample

    duplicate = Workshop(code=sample.code, title="Clash")
    assert_rejected(duplicate)


def test_role_link_tokens_are_stored_only_as_their_hash(ctx):
    from facilitator.workshops.roles import issue_link, link_for_token, revoke_links

    workshop, token = create_workshop("Secret", template="igf-ai-copyright")
    db.session.commit()
    assert len(token) >= 32
    rows = db.session.execute(text("SELECT * FROM role_links WHERE workshop_id = :id"),
                              {"id": workshop.id}).mappings().all()
    assert all(token not in str(value) for row in rows for value in row.values())
    assert [row["token_hash"] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert link_for_token(workshop.id, token).role == "moderator"
    assert link_for_token(workshop.id, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert link_for_token(workshop.id, "") is None and link_for_token(workshop.id, None) is None

    _, rapporteur = issue_link(workshop, "rapporteur")
    _, online = issue_link(workshop, "moderator", "online")
    db.session.commit()
    assert (link_for_token(workshop.id, online).role, link_for_token(workshop.id, online).desk) == ("moderator", "online")
    assert revoke_links(workshop, "moderator") == 2
    db.session.commit()
    assert link_for_token(workshop.id, token) is None and link_for_token(workshop.id, online) is None
    assert link_for_token(workshop.id, rapporteur).role == "rapporteur"  # another role is untouched


def test_a_role_link_is_checked_by_the_database(agenda):
    from facilitator.workshops.models import RoleLink

    workshop, _, _ = agenda
    assert_rejected(RoleLink(workshop_id=workshop.id, role="moderator", desk=None, token_hash="a" * 64))
    assert_rejected(RoleLink(workshop_id=workshop.id, role="rapporteur", desk="onsite", token_hash="b" * 64))
    assert_rejected(RoleLink(workshop_id=workshop.id, role="chair", desk=None, token_hash="c" * 64))


def test_organizer_password_is_stored_hashed(ctx):
    from facilitator.accounts.services import create_organizer

    organizer = create_organizer("Chair@Example.org", "a long enough secret")
    db.session.commit()
    stored = db.session.execute(text("SELECT email, password_hash FROM organizers")).one()
    assert stored.email == "chair@example.org"
    assert "a long enough secret" not in stored.password_hash
    assert organizer.check_password("a long enough secret")
    assert not organizer.check_password("a long enough secreT")


def test_timestamps_come_back_timezone_aware_utc(agenda):
    workshop, alice, _ = agenda
    # Set from another offset: stored as the same instant, read back in UTC.
    geneva = timezone(timedelta(hours=2))
    started = datetime(2023, 10, 10, 11, 30, 15, 123456, tzinfo=geneva)
    workshop.started_at = started
    db.session.commit()
    workshop_id, participant_id = workshop.id, alice.id
    db.session.expunge_all()

    workshop = db.session.get(Workshop, workshop_id)
    participant = db.session.get(Participant, participant_id)
    stamps = [workshop.created_at, workshop.started_at, participant.joined_at]
    for value in stamps:
        assert value.tzinfo is not None
        assert value.utcoffset() == timedelta(0)
    assert workshop.started_at == started
    assert workshop.started_at.hour == 9
    assert workshop.ended_at is None
    now = datetime.now(timezone.utc)
    assert now - timedelta(minutes=5) < workshop.created_at <= now


def test_naive_datetimes_are_refused(agenda):
    workshop, _, _ = agenda
    workshop.started_at = datetime(2023, 10, 10, 9, 30)
    with pytest.raises(StatementError):
        db.session.commit()
    db.session.rollback()


def test_schema_names_its_constraints(app):
    """The naming convention gives every constraint a stable name (migrations rely on it)."""
    with app.app_context():
        inspector = inspect(db.engine)
        unique = {uc["name"]: uc["column_names"] for uc in inspector.get_unique_constraints("workshops")}
        assert unique["uq_workshops_code"] == ["code"]
        assert {uc["name"] for uc in inspector.get_unique_constraints("role_links")} == {"uq_role_links_token_hash"}
        keys = {fk["name"] for fk in inspector.get_foreign_keys("vote_choices")}
        assert {"fk_vote_choices_vote_id_prompt_id_votes", "fk_vote_choices_option_id_prompt_id_options"} <= keys
        assert inspector.get_pk_constraint("positions")["name"] == "pk_positions"
        fks = inspector.get_foreign_keys("vote_choices")
        composite = [fk for fk in fks if fk["referred_table"] == "options"]
        assert composite and sorted(composite[0]["constrained_columns"]) == ["option_id", "prompt_id"]


def test_organizer_email_is_unique(ctx):
    db.session.add(Organizer(email="dup@example.org", password_hash="x"))
    db.session.commit()
    assert_rejected(Organizer(email="dup@example.org", password_hash="y"))
