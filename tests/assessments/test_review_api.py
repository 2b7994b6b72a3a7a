"""Review by several raters: blind to each other until they rate, blind candidates, calibration, export."""

from __future__ import annotations

import csv
import io

import pytest

from assessments.review import rater_order
from tests.assessments.conftest import QUESTIONS, calibration_answer
from tests.helpers import assert_problem

ANSWERS = [calibration_answer(QUESTIONS[0], band) for band in (5, 3, 1)]


@pytest.fixture
def reviewed(team, clock):
    """Three candidates answered the first question of a blind assessment."""
    assessment = team.published(blind=True, questions=QUESTIONS[:1])
    for who, answer in zip(("cand_1", "cand_2", "cand_3"), ANSWERS, strict=True):
        team.take(assessment["id"], who, [answer])
    return assessment


def queue(team, assessment, who="interviewer"):
    response = team.org_api("GET", f"/assessments/{assessment['id']}/review", who)
    assert response.status_code == 200, response.text
    return response.json()


def rate(team, attempt_id, who, band, **extra):
    return team.org_api("PUT", f"/reviews/{attempt_id}/rating", who, json={"band": band, **extra})


class TestBlindReview:
    def test_candidates_are_labelled_not_named_and_each_rater_gets_an_own_order(self, team, reviewed):
        first, second = queue(team, reviewed), queue(team, reviewed, "rater_2")
        labels = sorted(row["candidate"] for row in first)
        assert labels == ["Candidate 1", "Candidate 2", "Candidate 3"]
        assert "Cand" not in str([row["candidate"] for row in first]).replace("Candidate", "")
        assert queue(team, reviewed) == first  # deterministic per rater
        # Each rater's order is their own shuffle (a hash of rater and sitting), so raters differ; comparing
        # the three orders with each other would fail by chance once in 36 runs.
        for who, rows in (("interviewer", first), ("rater_2", second), ("rater_3", queue(team, reviewed, "rater_3"))):
            sittings = [row["sitting_id"] for row in rows]
            rater_id = team.people[who].id
            assert sittings == sorted(sittings, key=lambda sitting: rater_order(rater_id, sitting)), who

    def test_the_review_shows_rubric_bands_auto_score_and_evidence_but_not_identity(self, team, reviewed):
        attempt_id = queue(team, reviewed)[0]["answers"][0]["attempt_id"]
        view = team.org_api("GET", f"/reviews/{attempt_id}", "interviewer").json()
        assert set(view["rubric"]["bands"]) == {"1", "2", "3", "4", "5"}
        assert 1 <= view["auto"]["band"] <= 5 and "concepts" in view["auto"]["evidence"]
        for match in view["auto"]["evidence"]["concepts"]:
            assert view["answer"][match["start"]:match["end"]] == match["matched_text"]
        assert view["candidate"].startswith("Candidate ") and "@" not in str(view)


class TestRatings:
    def test_other_raters_are_hidden_until_you_have_rated(self, team, reviewed):
        attempt_id = queue(team, reviewed)[0]["answers"][0]["attempt_id"]
        criteria = [c["id"] for c in team.org_api("GET", f"/reviews/{attempt_id}", "interviewer").json()[
            "rubric"]["criteria"]]
        rated = rate(team, attempt_id, "interviewer", 4, criterion_bands={criteria[0]: 4}, comment="Solid <b>plan</b>")
        assert rated.status_code == 200, rated.text
        before = team.org_api("GET", f"/reviews/{attempt_id}", "rater_2").json()
        assert before["others"] is None and before["mine"] is None and before["ratings"] == 1
        after = rate(team, attempt_id, "rater_2", 2).json()
        assert [(o["rater"], o["band"], o["comment"]) for o in after["others"]] == [
            ("Interviewer", 4, "Solid <b>plan</b>")]

    def test_a_rating_is_stored_beside_the_auto_score_never_over_it(self, team, reviewed):
        attempt_id = queue(team, reviewed)[0]["answers"][0]["attempt_id"]
        auto = team.org_api("GET", f"/reviews/{attempt_id}", "interviewer").json()["auto"]
        rate(team, attempt_id, "interviewer", 6 - auto["band"] if auto["band"] != 3 else 1)
        assert team.org_api("GET", f"/reviews/{attempt_id}", "interviewer").json()["auto"] == auto

    def test_bad_bands_and_unknown_criteria_are_422(self, team, reviewed):
        attempt_id = queue(team, reviewed)[0]["answers"][0]["attempt_id"]
        assert_problem(rate(team, attempt_id, "interviewer", 6), 422, "validation-error")
        assert_problem(rate(team, attempt_id, "interviewer", 3, criterion_bands={"nope": 3}), 422,
                       "validation-error")

    def test_candidates_and_outsiders_cannot_review(self, team, reviewed):
        attempt_id = queue(team, reviewed)[0]["answers"][0]["attempt_id"]
        assert_problem(team.org_api("GET", f"/reviews/{attempt_id}", "cand_3"), 403, "forbidden")
        assert_problem(rate(team, attempt_id, "cand_3", 5), 403, "forbidden")
        path = f"/orgs/{team.other_org.slug}/reviews/{attempt_id}"
        assert_problem(team.api("GET", path, "outsider"), 404, "not-found")


def rate_all(team, reviewed, bands: dict[str, list[int]]):
    """Each rater's bands for Candidate 1, 2, 3 (by label)."""
    rows = {row["candidate"]: row["answers"][0]["attempt_id"] for row in queue(team, reviewed)}
    for rater, given in bands.items():
        for number, band in enumerate(given, start=1):
            assert rate(team, rows[f"Candidate {number}"], rater, band).status_code == 200
    return rows


class TestCalibration:
    def test_pairwise_and_fleiss_kappa_and_wide_gaps_are_reported(self, team, reviewed):
        rate_all(team, reviewed, {"interviewer": [5, 3, 1], "rater_2": [5, 3, 1], "rater_3": [3, 3, 1]})
        report = team.org_api("GET", f"/assessments/{reviewed['id']}/calibration", "interviewer").json()
        assert len(report["pairs"]) == 3 and len(report["versus_auto"]) == 3
        by_names = {frozenset((report["raters"][p["rater_a"]], report["raters"][p["rater_b"]])):
                    p["by_criterion"]["overall"] for p in report["pairs"]}
        assert by_names[frozenset(("Interviewer", "Rater 2"))] == {"value": 1.0, "answers": 3}
        assert report["fleiss"]["overall"]["answers"] == 3
        # By hand: P-bar = (1/3 + 1 + 1) / 3 = 7/9, P-e = (3² + 4² + 2²) / 9² = 29/81 -> kappa = 0.6538.
        assert report["fleiss"]["overall"]["value"] == pytest.approx((7 / 9 - 29 / 81) / (1 - 29 / 81), abs=1e-4)
        flagged = [f for f in report["flagged"] if any("raters differ" in r for r in f["reasons"])]
        assert len(flagged) == 1 and sorted(flagged[0]["rater_bands"].values()) == [3, 5, 5]

    def test_a_rater_compares_with_the_authors_bands_on_the_banks_calibration_answers(self, team, clock):
        path = f"/calibration/{QUESTIONS[0]}"
        items = team.org_api("GET", path, "interviewer").json()
        assert items and all(i["author_band"] is None for i in items)
        compared = team.org_api("PUT", f"{path}/0", "interviewer", json={"band": 3}).json()
        assert compared["my_band"] == 3 and compared["author_band"] in range(1, 6)
        summary = team.org_api("GET", "/calibration", "interviewer").json()
        assert summary["rated"] == 1


class TestExport:
    def test_csv_and_json_have_a_row_per_answer_with_every_raters_band(self, team, reviewed):
        rate_all(team, reviewed, {"interviewer": [5, 3, 1], "rater_2": [4, 1, 1]})
        data = team.org_api("GET", f"/assessments/{reviewed['id']}/export.json", "interviewer").json()
        assert [r["candidate"] for r in data["rows"]] == ["Candidate 1", "Candidate 2", "Candidate 3"]
        second = data["rows"][1]
        assert second["raters"] == {"Interviewer": 3, "Rater 2": 1} and second["final_band"] == 1
        assert "raters differ by 2 bands" in second["flags"]
        response = team.org_api("GET", f"/assessments/{reviewed['id']}/export.csv", "interviewer")
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 3 and rows[0]["rater: Interviewer"] == "5" and rows[0]["question_id"] == QUESTIONS[0]

    def test_csv_cells_cannot_run_as_spreadsheet_formulas(self, team, clock, db):
        from prodready.accounts.models import User

        with db.unit_of_work() as session:
            user = session.get(User, team.people["rater_2"].id)
            user.display_name = "=HYPERLINK(\"http://evil\")"
            session.add(user)
        assessment = team.published(questions=QUESTIONS[:1])
        team.take(assessment["id"], "cand_1", [ANSWERS[1]])
        attempt_id = queue(team, assessment)[0]["answers"][0]["attempt_id"]
        rate(team, attempt_id, "rater_2", 3)
        text = team.org_api("GET", f"/assessments/{assessment['id']}/export.csv", "interviewer").text
        assert "rater: =HYPERLINK" in text.splitlines()[0]  # a header made of a name stays text after a prefix
        assert not any(cell.startswith("=") for line in csv.reader(io.StringIO(text)) for cell in line)
