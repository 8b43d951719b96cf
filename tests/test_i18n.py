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


VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _is_english(text: str) -> bool:
    return not VIETNAMESE_LETTERS & set(str(text).lower())


def test_domain_messages_follow_the_interface_language():
    import pytest

    from agencies.importing import AgencyImportError, read_rows
    from budget.services import BudgetError, parse_amount
    from indicators.progress import LABELS, assess

    for language, english in (("en", True), ("vi", False)):
        with translation.override(language):
            with pytest.raises(BudgetError) as money:
                parse_amount("ten million", label=None)
            with pytest.raises(AgencyImportError) as sheet:
                read_rows(b"x", "list.pdf")
            reason = assess("share", 50.0, None, 2025, {}, 2024).reason
            labels = [str(label) for label in LABELS.values()]
            for text in [*money.value.errors, *sheet.value.errors, reason, *labels]:
                assert _is_english(text) is english, (language, text)


def test_a_document_made_from_the_english_interface_stays_vietnamese(plan):
    from documents.content import Kind, assemble
    from indicators.demo import load_indicator_demo
    from indicators.progress import LABELS
    from reporting.demo import load_reporting_demo

    load_reporting_demo(plan)
    load_indicator_demo(plan)
    with translation.override("vi"):
        vietnamese = {str(label) for label in LABELS.values()}
    with translation.override("en"):
        report = assemble(plan, [2024], Kind.ANNUAL)
    assert report.targets
    assert {t.status_label for t in report.targets} <= vietnamese
    assert all(not _is_english(t.reason) for t in report.targets if t.reason)


GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "npgettext"}


def test_no_translated_string_inside_an_f_string():
    """xgettext (make messages) does not look inside f-strings: a ``_("…")`` there loses
    its entry, and with it the Vietnamese text, at the next ``make messages``."""
    import ast

    root = PO.parents[3]
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0].startswith(".") or parts[0] in {"var", "node_modules"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in GETTEXT
                    ):
                        found.append(f"{path.relative_to(root)}:{inner.lineno}")
    assert found == []
