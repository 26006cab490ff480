"""Prompt templates: shipped for every action, parsed strictly, overridable by the user."""

from __future__ import annotations

import pytest

from core.generation import templates
from core.generation.errors import ActionError, TemplateError


def test_every_action_has_a_valid_shipped_template():
    loaded = templates.load_all_templates()
    assert list(loaded) == list(templates.ACTIONS)
    for name, t in loaded.items():
        assert t.output in templates.OUTPUTS and t.max_tokens > 0 and t.body.strip(), name
    assert loaded["rewrite"].needs == "selection" and loaded["rewrite"].output == "replace"
    assert loaded["summarize"].output == "synopsis"
    assert loaded["brainstorm"].output == "list"
    assert templates.load_template("system").body.strip()


def test_unknown_action():
    with pytest.raises(ActionError, match="unknown action 'poem'"):
        templates.load_template("poem")


def test_user_copy_overrides_and_renders_placeholders(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHORWORKS_PROMPTS", str(tmp_path / "prompts"))
    path = templates.copy_template_for_editing("continue")
    assert path.parent == tmp_path / "prompts" and path.is_file()
    path.write_text(
        "---\nlabel: Mine\nmax_tokens: 99\n---\nGo on with $scene_title for $price.\n",
        encoding="utf-8",
    )
    t = templates.load_template("continue")
    assert (t.label, t.max_tokens, t.path) == ("Mine", 99, path)
    # Known placeholders fill in; an unknown $word is left alone rather than failing.
    assert t.render(scene_title="The Wreck") == "Go on with The Wreck for $price."


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("---\nlabel: x\n", "no closing"),
        ("---\noutput: poem\n---\nbody", "output must be"),
        ("---\nmax_tokens: lots\n---\nbody", "whole number"),
        ("---\nneeds: luck\n---\nbody", "needs must be"),
        ("---\nlabel: x\n---\n   \n", "no prompt text"),
        ("---\njust words\n---\nbody", "not 'key: value'"),
    ],
)
def test_bad_templates_get_one_line_errors(source, message):
    with pytest.raises(TemplateError, match=message):
        templates.parse_template("continue", source)
