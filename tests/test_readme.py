"""README keeps its promises: the two commands exist, and the data dictionary is current."""
from analysis.schema import to_markdown
from tests.helpers import REPO


def test_readme__dictionary_matches_schema():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- data-dictionary:start -->\n", 1)[1].split("<!-- data-dictionary:end -->", 1)[0]
    assert block.strip() == to_markdown().strip()


def test_readme__two_commands_exist_and_ci_uses_the_test_one():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/run.sh " in text and "bash scripts/test.sh " in text
    assert (REPO / "scripts" / "run.sh").exists() and (REPO / "scripts" / "test.sh").exists()
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()


def test_skip_reasons_say_what_the_missing_shared_file_is():
    from tests.conftest import CFPB_MIXED, RULEBOOK_MD, shared_reason
    assert shared_reason([CFPB_MIXED]) == f"needs ../shared/{CFPB_MIXED} (public data, not in this repository)"
    assert shared_reason([RULEBOOK_MD]) == "needs ../shared/RULEBOOK.md (shared project files, not in this repository)"
