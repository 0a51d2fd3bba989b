"""Pack loading and validation: every error names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.content.library import build_library
from loopcoach.content.loader import load_pack
from loopcoach.errors import PackError


def problems_of(pack_dir: Path) -> list[str]:
    with pytest.raises(PackError) as info:
        build_library([load_pack(pack_dir)])
    return info.value.problems


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_loader_valid_mini_pack_loads(mini_pack: Path) -> None:
    lib = build_library([load_pack(mini_pack)])
    role = lib.role("mini")
    assert [q.id for q in role.questions] == ["mini-plan"]
    assert role.stage("screen").minutes == 30
    assert lib.question("mini-plan")[1].expected_framework == "star"


def test_loader_bad_yaml_names_file_and_line(mini_pack: Path) -> None:
    edit(mini_pack / "questions.yaml", "    kind: behavioural", "    kind: [behavioural")
    (msg,) = problems_of(mini_pack)
    assert msg.startswith("mini/questions.yaml:")
    assert "YAML syntax error" in msg
    line = int(msg.split(":")[1])
    assert 4 <= line <= 7


def test_loader_unknown_field_lists_expected_fields(mini_pack: Path) -> None:
    edit(
        mini_pack / "questions.yaml",
        "    kind: behavioural\n",
        "    kind: behavioural\n    colour: red\n",
    )
    (msg,) = problems_of(mini_pack)
    assert msg.startswith("mini/questions.yaml:5:")
    assert "unknown field 'colour'" in msg
    assert "questions[0](mini-plan)" in msg
    assert "talking_points" in msg  # names what is expected


def test_loader_missing_field_is_named(mini_pack: Path) -> None:
    edit(mini_pack / "questions.yaml", "    why: Shows whether the candidate can plan.\n", "")
    (msg,) = problems_of(mini_pack)
    assert "missing required field 'why'" in msg
    assert msg.startswith("mini/questions.yaml:2:")


def test_loader_wrong_value_says_what_is_allowed(mini_pack: Path) -> None:
    edit(mini_pack / "questions.yaml", "kind: behavioural", "kind: behavioral")
    (msg,) = problems_of(mini_pack)
    assert "questions[0](mini-plan).kind" in msg
    assert "'behavioural'" in msg and "got 'behavioral'" in msg


def test_loader_duplicate_question_id(mini_pack: Path) -> None:
    text = (mini_pack / "questions.yaml").read_text()
    body = text.split("questions:\n", 1)[1]
    (mini_pack / "zz-more.yaml").write_text("questions:\n" + body)
    msgs = problems_of(mini_pack)
    assert any(
        "duplicate questions id 'mini-plan'" in m and m.startswith("mini/zz-more.yaml:2")
        for m in msgs
    ), msgs


def test_loader_duplicate_talking_point_id(mini_pack: Path) -> None:
    edit(mini_pack / "questions.yaml", "      - id: risks", "      - id: goal")
    msgs = problems_of(mini_pack)
    assert any("duplicate talking_points id 'goal'" in m for m in msgs), msgs


def test_loader_dangling_stage_reference(mini_pack: Path) -> None:
    edit(mini_pack / "questions.yaml", "stages: [screen]", "stages: [onsite]")
    (msg,) = problems_of(mini_pack)
    assert msg.startswith("mini/questions.yaml:5:")
    assert "unknown stage 'onsite'" in msg and "known: screen" in msg


def test_loader_dangling_competency_and_point(mini_pack: Path) -> None:
    edit(mini_pack / "questions.yaml", "competencies: [planning]", "competencies: [plans]")
    edit(mini_pack / "questions.yaml", "point: risks", "point: risk")
    msgs = problems_of(mini_pack)
    assert any("unknown competency 'plans'" in m for m in msgs)
    assert any("unknown talking point 'risk'" in m for m in msgs)


def test_loader_empty_rubric_is_an_error(mini_pack: Path) -> None:
    text = (mini_pack / "questions.yaml").read_text()
    start = text.index("    talking_points:")
    end = text.index("    follow_ups:")
    (mini_pack / "questions.yaml").write_text(
        text[:start] + "    talking_points: []\n" + text[end:]
    )
    msgs = problems_of(mini_pack)
    assert any("talking_points" in m and "at least 1" in m for m in msgs), msgs


def test_loader_empty_cues_is_an_error(mini_pack: Path) -> None:
    edit(mini_pack / "questions.yaml", "cues: [goal, objective]", "cues: []")
    msgs = problems_of(mini_pack)
    assert any("talking_points[0](goal).cues" in m for m in msgs), msgs


def test_loader_duplicate_yaml_key(mini_pack: Path) -> None:
    edit(
        mini_pack / "questions.yaml",
        "    kind: behavioural\n",
        "    kind: behavioural\n    kind: situational\n",
    )
    (msg,) = problems_of(mini_pack)
    assert "duplicate key 'kind'" in msg and msg.startswith("mini/questions.yaml:5:")


def test_loader_section_defined_twice(mini_pack: Path) -> None:
    (mini_pack / "zz.yaml").write_text("role:\n  id: other\n  name: Other\n  summary: x\n")
    (msg,) = problems_of(mini_pack)
    assert "section 'role' is already defined in mini/pack.yaml" in msg


def test_loader_top_level_must_be_mapping(mini_pack: Path) -> None:
    (mini_pack / "zz.yaml").write_text("- just\n- a list\n")
    (msg,) = problems_of(mini_pack)
    assert msg.startswith("mini/zz.yaml:1:") and "mapping" in msg


def test_loader_levels_need_one_to_four(mini_pack: Path) -> None:
    edit(mini_pack / "pack.yaml", "      4: Plans with risks, owners and measured outcomes.\n", "")
    (msg,) = problems_of(mini_pack)
    assert "exactly the scores 1, 2, 3 and 4" in msg


def test_loader_extension_adds_questions(mini_pack: Path, tmp_path: Path) -> None:
    ext = tmp_path / "ext"
    ext.mkdir()
    (ext / "pack.yaml").write_text("pack: {id: mini-extra, name: Extra, extends: mini}\n")
    q = (mini_pack / "questions.yaml").read_text().replace("mini-plan", "mini-extra-plan")
    (ext / "questions.yaml").write_text(q)
    lib = build_library([load_pack(mini_pack), load_pack(ext)])
    assert [q.id for q in lib.role("mini").questions] == ["mini-plan", "mini-extra-plan"]


def test_loader_extension_of_unknown_role(tmp_path: Path) -> None:
    ext = tmp_path / "ext"
    ext.mkdir()
    (ext / "pack.yaml").write_text("pack: {id: x, name: X, extends: nosuch}\n")
    with pytest.raises(PackError) as info:
        build_library([load_pack(ext)])
    assert "extends unknown role 'nosuch'" in info.value.problems[0]


def test_loader_not_utf8(mini_pack: Path) -> None:
    (mini_pack / "zz.yaml").write_bytes(b"questions: \xff\xfe\n")
    (msg,) = problems_of(mini_pack)
    assert "UTF-8" in msg


def test_loader_talking_point_part_must_be_a_story_part(mini_pack: Path) -> None:
    edit(
        mini_pack / "questions.yaml",
        "        label: Names the goal\n",
        "        label: Names the goal\n        part: ending\n",
    )
    (msg,) = problems_of(mini_pack)
    assert "talking_points[0](goal).part" in msg
    assert "'result'" in msg and "got 'ending'" in msg
    edit(mini_pack / "questions.yaml", "part: ending", "part: result")
    lib = build_library([load_pack(mini_pack)])
    assert lib.question("mini-plan")[1].talking_points[0].part == "result"
