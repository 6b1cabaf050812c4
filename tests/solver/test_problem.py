"""Parsing and validation of matchmaker.schedule-problem/1."""

from __future__ import annotations

import json

import pytest

from matchmaker.solver.problem import (Enterprise, Institution, ProblemError, Request, parse_problem,
                                       problem_from_json, problem_to_dict)
from tests.solver.factories import problem_data


def problems_of(data) -> list[str]:
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    return caught.value.problems


def test_defaults_are_resolved():
    data = problem_data(slots=2, enterprises=["E1"], institutions=["I1"], requests=[("E1", "I1", 5)])

    problem = parse_problem(data)

    assert problem.enterprises == (Enterprise("E1", ("s1", "s2"), None),)
    assert problem.institutions == (Institution("I1", ("s1", "s2"), 1, None),)
    assert problem.requests == (Request("E1", "I1", 5, False),)
    assert problem.pitches == () and problem.locked == () and problem.coverage_bonus == 0


def test_available_keeps_time_order_whatever_the_input_order():
    data = problem_data(slots=3, enterprises=[{"id": "E1", "available": ["s3", "s1"]}])

    assert parse_problem(data).enterprises[0].available == ("s1", "s3")


def test_round_trip_through_json():
    data = problem_data(slots=2, enterprises=[{"id": "E1", "max_meetings": 1}],
                        institutions=[{"id": "I1", "tables": 2}], requests=[("E1", "I1", 5, True)],
                        pitches=[("E1", "s1")], locked=[("E1", "I1", "s2", 2)], coverage_bonus=3)
    problem = parse_problem(data)

    again = problem_from_json(json.dumps(problem_to_dict(problem)))

    assert again == problem


def test_unknown_enterprise_names_the_request():
    data = problem_data(requests=[("E1", "I1", 1), ("E1", "I1", 1), ("E1", "I1", 2), ("E9", "I1", 1)])
    data["requests"] = [data["requests"][0], data["requests"][3]]

    assert problems_of(data) == ["未知的企业 id 'E9' (unknown enterprise id 'E9') in requests[1]"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(format="other/1"),
     "格式必须是 'matchmaker.schedule-problem/1' (format must be 'matchmaker.schedule-problem/1', "
     "got 'other/1') in format"),
    (lambda d: d["enterprises"].append({"id": "E1"}),
     "重复的企业 id 'E1' (duplicate enterprise id 'E1') in enterprises[1]"),
    (lambda d: d["institutions"].append({"id": "I1"}),
     "重复的机构 id 'I1' (duplicate institution id 'I1') in institutions[1]"),
    (lambda d: d["slots"].append(dict(d["slots"][0])),
     "重复的时段 id 's1' (duplicate slot id 's1') in slots[3]"),
    (lambda d: d.update(slots=[d["slots"][0], d["slots"][2], d["slots"][1]]),
     "时段未按时间顺序排列或有重叠 (slots not in time order: 's2' starts before 's3' ends) in slots[2]"),
    (lambda d: d["requests"][0].update(weight=-1),
     "权重必须是非负整数 (weight must be a non-negative integer, got -1) in requests[0]"),
    (lambda d: d["institutions"][0].update(tables=0),
     "桌数必须是至少为 1 的整数 (tables must be an integer >= 1, got 0) in institutions[0]"),
    (lambda d: d["requests"][0].update(institution="I7"),
     "未知的机构 id 'I7' (unknown institution id 'I7') in requests[0]"),
    (lambda d: d["enterprises"][0].update(available=["s1", "x"]),
     "未知的时段 id 'x' (unknown slot id 'x') in enterprises[0]"),
    (lambda d: d.update(pitches=[{"enterprise": "E1", "slot": "s9"}]),
     "未知的时段 id 's9' (unknown slot id 's9') in pitches[0]"),
    (lambda d: d.update(locked=[{"enterprise": "E1", "institution": "I1", "slot": "s1", "table": 2}]),
     "桌号超出范围 (table must be within 1..tables, got 2) in locked[0]"),
    (lambda d: d["requests"][0].update(after_pitch=True),
     "after_pitch 请求的企业 'E1' 没有路演 (after_pitch request but enterprise 'E1' has no pitch) "
     "in requests E1–I1"),
    (lambda d: d["enterprises"][0].update(max_meetings="3"),
     "max_meetings 必须是非负整数或 null (max_meetings must be a non-negative integer or null, "
     "got '3') in enterprises[0]"),
    (lambda d: d.update(coverage_bonus=-5),
     "coverage_bonus 必须是非负整数 (coverage_bonus must be a non-negative integer) in coverage_bonus"),
])
def test_each_malformation_gives_its_message(change, message):
    data = problem_data(requests=[("E1", "I1", 1)])
    change(data)

    assert problems_of(data) == [message]


def test_every_problem_is_listed_at_once():
    data = problem_data(requests=[("E9", "I1", -2)])
    data["institutions"][0]["tables"] = 0

    assert problems_of(data) == [
        "桌数必须是至少为 1 的整数 (tables must be an integer >= 1, got 0) in institutions[0]",
        "未知的企业 id 'E9' (unknown enterprise id 'E9') in requests[0]",
        "权重必须是非负整数 (weight must be a non-negative integer, got -2) in requests[0]",
    ]


def test_locked_meeting_must_be_requested():
    data = problem_data(institutions=["I1", "I2"], requests=[("E1", "I1", 1)],
                        locked=[("E1", "I2", "s1")])

    assert problems_of(data) == ["锁定的会面 E1–I2 没有对应的请求 (locked meeting E1–I2 has no request) "
                                 "in locked[0]"]


def test_bad_json_is_a_problem_error():
    with pytest.raises(ProblemError) as caught:
        problem_from_json("{not json")

    assert caught.value.problems[0].startswith("JSON 格式错误 (bad JSON): Expecting property name")


def test_missing_sections_are_reported():
    assert problems_of({"format": "matchmaker.schedule-problem/1"}) == [
        "缺少 'slots' (missing 'slots') in problem",
        "缺少 'enterprises' (missing 'enterprises') in problem",
        "缺少 'institutions' (missing 'institutions') in problem",
        "缺少 'requests' (missing 'requests') in problem",
    ]
