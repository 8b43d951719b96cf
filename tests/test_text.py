"""Vietnamese text helpers: NFC, diacritic-insensitive keys, Vietnamese order."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from planwatch.text import clean, fold, nfc, vi_sort_key, vi_sorted


def test_fold_ignores_diacritics_case_and_d_bar():
    assert fold("Sở Công Thương") == fold("so cong thuong") == "so cong thuong"
    assert fold("ĐÀ NẴNG") == "da nang"
    assert fold("Sở Lao động – Thương binh") == "so lao dong - thuong binh"


def test_fold_treats_decomposed_and_composed_text_alike():
    decomposed = unicodedata.normalize("NFD", "Quảng Bình")
    assert fold(decomposed) == fold("Quảng Bình")
    assert nfc(decomposed) == "Quảng Bình"


def test_clean_collapses_spaces_but_keeps_dashes():
    assert clean("  2021 –\u00a0 2023 ") == "2021 – 2023"


def test_vietnamese_order_puts_letters_in_the_alphabet_order():
    words = ["Đồng Hới", "Dốc", "Ba Đồn", "Ăn", "An", "Âu", "Bố Trạch", "Ơn", "Ô", "Ưu", "Uy"]
    assert vi_sorted(words) == [
        "An",
        "Ăn",
        "Âu",
        "Ba Đồn",
        "Bố Trạch",
        "Dốc",
        "Đồng Hới",
        "Ô",
        "Ơn",
        "Uy",
        "Ưu",
    ]


def test_vietnamese_order_breaks_ties_by_tone():
    # a, à, ả, ã, á, ạ: no tone, huyền, hỏi, ngã, sắc, nặng
    assert vi_sorted(["ạ", "á", "ã", "ả", "à", "a"]) == ["a", "à", "ả", "ã", "á", "ạ"]


def test_agencies_sort_as_a_vietnamese_reader_expects():
    names = ["Sở Y tế", "Sở Du lịch", "Sở Công Thương", "Sở Tài chính", "Sở Đào tạo"]
    assert vi_sorted(names) == [
        "Sở Công Thương",
        "Sở Du lịch",
        "Sở Đào tạo",
        "Sở Tài chính",
        "Sở Y tế",
    ]


@given(st.text(max_size=200))
def test_fold_is_idempotent_and_never_fails(text):
    once = fold(text)
    assert fold(once) == once
    assert not any(unicodedata.combining(ch) for ch in once)


@given(st.text(max_size=100))
def test_sort_key_does_not_depend_on_normalisation_form(text):
    assert vi_sort_key(text) == vi_sort_key(unicodedata.normalize("NFD", text))


@given(
    st.lists(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãèéẹẻẽ ", max_size=8), max_size=12)
)
def test_sorting_is_consistent(words):
    once = vi_sorted(words)
    assert vi_sorted(once) == once
