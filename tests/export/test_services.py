"""Report services: the rapporteur's limits and the rankings of the pre-fill."""

import pytest

from facilitator.errors import Invalid
from facilitator.export.services import agreed_by_both, most_agreed, most_contested, update_report
from facilitator.workshops.services import find_workshop


def position(pid, onsite=(0, 0), online=(0, 0)):
    split = {"onsite": {"agree": onsite[0], "disagree": onsite[1], "pass": 0},
             "online": {"agree": online[0], "disagree": online[1], "pass": 0}}
    return {"id": pid, "text": f"p{pid}", "option_id": None, "attendance": "onsite", "stakeholder_group": None,
            "agree": onsite[0] + online[0], "disagree": onsite[1] + online[1], "pass": 0,
            "reactions_by_attendance": split}


def test_rankings():
    positions = [position(1, (5, 0), (0, 0)), position(2, (2, 2), (2, 2)), position(3, (1, 0), (1, 0)),
                 position(4, (0, 9), (1, 0)), position(5, (3, 1), (0, 0)), position(6)]
    assert [p["id"] for p in most_agreed(positions)] == [1, 2, 5]
    assert [p["id"] for p in most_contested(positions)] == [2, 4, 5]  # min 4, then 1 with more reactions
    assert [p["id"] for p in agreed_by_both(positions)] == [3]  # 2 ties within a group; 4 is rejected onsite


def test_at_most_three_items_in_the_service(app, workshop):
    with app.app_context():
        w = find_workshop(workshop["code"])
        with pytest.raises(Invalid):
            update_report(w, key_takeaways=["a", "b", "c", "d"], calls_to_action=[], summary="",
                          gender_balance="", moderators="")
        report = update_report(w, key_takeaways=[" a ", "", "b"], calls_to_action=["x", "y", "z"],
                               summary=" s ", gender_balance="", moderators="")
        assert report.key_takeaways == ["a", "b"] and report.summary == "s"
        with pytest.raises(Invalid):
            update_report(w, key_takeaways=["x" * 501], calls_to_action=[], summary="",
                          gender_balance="", moderators="")
