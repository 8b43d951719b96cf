"""The Vietnamese catalogue is complete and compiled."""

from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if any(ln.startswith("msgid") for ln in lines):
            yield lines


def test_every_message_has_a_vietnamese_translation():
    untranslated = []
    for lines in list(_entries())[1:]:  # the first entry is the header
        assert not any(ln.startswith("#, fuzzy") for ln in lines), lines
        for i, line in enumerate(lines):
            if line.startswith("msgstr") and line.endswith('""'):
                following = lines[i + 1] if i + 1 < len(lines) else ""
                if not following.startswith('"'):
                    untranslated.append(lines)
    assert untranslated == []


def test_compiled_catalogue_is_used():
    with translation.override("vi"):
        assert translation.gettext("Lead agency") == "Đơn vị chủ trì"
        assert translation.gettext("My agency's tasks") == "Việc của đơn vị"
