"""Documentation stays true: every dependency justified, every setting and command documented."""

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_runtime_dependency_is_justified_in_architecture():
    architecture = ROOT.joinpath("ARCHITECTURE.md").read_text().lower()
    for line in ROOT.joinpath("requirements.in").read_text().splitlines():
        name = re.split(r"[<>=\[ ]", line.strip())[0].lower()
        if name:
            assert name in architecture, f"{name} is not explained in ARCHITECTURE.md"


def test_every_setting_is_documented_in_the_readme():
    readme = ROOT.joinpath("README.md").read_text()
    settings = ROOT.joinpath("territoria", "settings.py").read_text()
    for name in set(re.findall(r'"(TERRITORIA_[A-Z_]+)"', settings)) - {"TERRITORIA_STATIC_ROOT"}:
        assert name in readme, f"{name} is not documented in README.md"


def test_ci_runs_the_readme_test_command():
    assert "make test" in ROOT.joinpath(".ci", "run").read_text()
    assert "make test" in ROOT.joinpath("README.md").read_text()


def test_every_interface_message_is_translated_and_compiled():
    for language in ("fr", "es"):
        folder = ROOT / "territoria" / "locale" / language / "LC_MESSAGES"
        po = (folder / "django.po").read_text(encoding="utf-8")
        entries = po.split("\n\n")[1:]  # the first block is the header
        empty = [e for e in entries if re.search(r'^msgstr(?:\[\d\])? ""$(?!\n")', e, re.M) and "#~" not in e]
        assert not empty, f"{language}: untranslated {empty[:3]}"
        assert "#, fuzzy" not in po
        with open(folder / "django.mo", "rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)._catalog
        compiled_ids = {k[0] if isinstance(k, tuple) else k for k in catalog} - {""}
        assert len(compiled_ids) == len(entries), f"{language}: django.mo is stale, run make messages"
