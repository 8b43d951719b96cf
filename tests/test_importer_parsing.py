"""Parsing cases of the importer core (no database): numbers, ranges, dates,
timeframes, targets, agency cells, numbering; property-based where it fits."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.importer.headings import marker, section_kind
from plans.importer.names import KnownNames, expand_abbreviation, split_names
from plans.importer.numbers import (
    find_quantities,
    parse_date,
    parse_period,
    parse_report_due,
    parse_timeframe,
    roman_to_int,
    to_number,
)
from plans.importer.targets import read_targets

PERIOD = (2021, 2030)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("Giảm 5 - 8% mức tiêu hao", 5, 8, "%"),
        ("giảm 5–8%", 5, 8, "%"),
        ("từ 5% đến 8%", 5, 8, "%"),
        ("ít nhất 40-50% túi nhựa", 40, 50, "%"),
        ("tối thiểu 20% doanh nghiệp", 20, None, "%"),
        ("trên 90% chất thải", 90, None, "%"),
        ("đạt 100%", 100, None, "%"),
        ("từ 04 - 06 mô hình", 4, 6, "mô hình"),
        ("01- 02 chuỗi liên kết", 1, 2, "chuỗi liên kết"),
        ("đạt 12,5% giá trị", 12.5, None, "%"),
    ],
)
def test_figures(text, low, high, unit):
    figure = find_quantities(text)[0]
    assert (figure.low, figure.high) == (low, high)
    assert figure.unit_follows.startswith(unit)


def test_years_and_act_numbers_are_not_figures():
    assert find_quantities("Quyết định số 889/QĐ-TTg ngày 24/6/2020, giai đoạn 2021 - 2030") == []


@given(
    st.integers(0, 999),
    st.integers(0, 999),
    st.sampled_from(["-", "–", " - ", "- ", " đến "]),
    st.booleans(),
)
def test_any_range_reads_back(a, b, dash, zero_pad):
    fmt = "{:02d}" if zero_pad else "{}"
    text = f"giảm {fmt.format(a)}%{dash}{fmt.format(b)}% tiêu hao"
    figure = find_quantities(text)[0]
    assert (figure.low, figure.high) == (min(a, b), max(a, b))


@given(st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False))
def test_comma_decimals_read_as_vietnamese(value):
    text = f"{value:.2f}".replace(".", ",")
    assert to_number(text) == pytest.approx(float(value))


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)), st.booleans())
def test_any_date_reads_back_in_both_styles(date, pad):
    day = f"{date.day:02d}" if pad else str(date.day)
    month = f"{date.month:02d}" if pad else str(date.month)
    assert parse_date(f"ngày {day} tháng {month} năm {date.year}") == date
    assert parse_date(f"ngày {day}/{month}/{date.year} của Thủ tướng") == date


def test_impossible_dates_are_not_dates():
    assert parse_date("ngày 30 tháng 2 năm 2021") is None
    assert parse_date("31/4/2022") is None


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("gửi Sở Công Thương trước ngày 10/12 hàng năm", (12, 10)),
        ("trước ngày 05 tháng 12 hằng năm", (12, 5)),
        ("trước ngày 15-11 hằng năm", (11, 15)),
        ("trước ngày 31/2 hằng năm", None),
        ("trong tháng 12", None),
    ],
)
def test_report_due(text, due):
    assert parse_report_due(text) == due


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hàng năm", (2021, 2030, "annual", False)),
        ("Hằng năm", (2021, 2030, "annual", False)),
        ("2021-2025", (2021, 2025, "period", False)),
        ("Giai đoạn 2021-2025", (2021, 2025, "period", False)),
        ("2021 – 2023 (và khi có sự thay đổi)", (2021, 2023, "period", True)),
        ("Năm 2022", (2022, 2022, "once", False)),
        ("Quý IV hằng năm", (2021, 2030, "annual", False)),
        ("Quý III/2022", (2022, 2022, "once", False)),
        ("Thường xuyên", (2021, 2030, "annual", False)),
        ("Năm 2023; cập nhật khi có thay đổi", (2023, 2023, "once", True)),
        ("Từ năm 2024", (2024, 2030, "period", False)),
        ("2021-2025 và các năm tiếp theo", (2021, 2030, "period", False)),
        ("Khi có chỉ đạo", (None, None, None, False)),
    ],
)
def test_timeframes(text, expected):
    tf = parse_timeframe(text, PERIOD)
    assert (tf.start, tf.end, tf.recurrence, tf.on_change) == expected
    assert tf.text == text


@given(st.integers(1990, 2099), st.integers(0, 20))
def test_any_year_span_is_a_period(start, length):
    tf = parse_timeframe(f"{start} - {start + length}", PERIOD)
    assert (tf.start, tf.end, tf.recurrence) == (start, start + length, "period")


def test_period_and_roman_numerals():
    assert parse_period("giai đoạn 2021 - 2030 trên địa bàn") == (2021, 2030)
    assert parse_period("giai đoạn 2030 - 2021") is None
    assert [roman_to_int(r) for r in ["I", "IV", "IX", "XII", "IIII", "ABC", ""]] == [
        1,
        4,
        9,
        12,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("text", "level", "number"),
    [
        ("I. MỤC ĐÍCH, YÊU CẦU", "roman", "I"),
        ("IV Phát triển hệ thống phân phối", "roman", "IV"),
        ("1. Mục tiêu tổng quát", "arabic", "1"),
        ("2.1. Đến năm 2025", "arabic", "2.1"),
        ("a) Giai đoạn 2021 - 2025", "letter", "a"),
        ("đ) Đạt 01- 02 chuỗi", "letter", "đ"),
        ("- Giảm 5 - 8%", "bullet", ""),
        ("+ Tập huấn", "bullet", ""),
        ("• Tập huấn", "bullet", ""),
        ("24/6/2020 là ngày", "none", ""),
        ("Thúc đẩy quản lý", "none", ""),
    ],
)
def test_numbering_styles(text, level, number):
    m = marker(text)
    assert (m.level, m.number) == (level, number)


def test_section_kinds():
    assert section_kind("MỤC TIÊU") == "objectives"
    assert section_kind("TỔ CHỨC THỰC HIỆN") == "organisation"
    assert section_kind("NHIỆM VỤ VÀ GIẢI PHÁP") == "tasks"
    assert section_kind("KINH PHÍ THỰC HIỆN") == "funding"


def test_a_sentence_with_two_targets_is_split():
    first, second = read_targets(
        "Giảm thiểu ít nhất 40-50% túi nhựa khó phân hủy được sử dụng "
        "đối với các chợ đạt chuẩn nông thôn mới nâng cao và 30% đối "
        "với các chợ đạt chuẩn nông thôn mới;",
        2025,
    )
    assert (first["min"], first["max"], second["min"], second["max"]) == (40, 50, 30, None)
    assert second["text"] == (
        "Giảm thiểu ít nhất 30% túi nhựa khó phân hủy được sử dụng đối "
        "với các chợ đạt chuẩn nông thôn mới"
    )
    assert first["breakdown"] == ["chợ đạt chuẩn nông thôn mới nâng cao"]


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Giảm 5 - 8% mức tiêu hao", "reduction"),
        ("Tiết kiệm từ 5% đến 8% năng lượng", "reduction"),
        ("85% các siêu thị sử dụng bao bì", "share"),
        ("Xây dựng 01- 02 chuỗi liên kết", "count"),
        ("Phổ biến các mô hình kinh tế tuần hoàn.", "qualitative"),
    ],
)
def test_target_measures(text, measure):
    assert read_targets(text, 2025)[0]["measure"] == measure


def test_target_text_loses_trailing_marks():
    target = read_targets("100% các khu, cụm công nghiệp, làng nghề được phổ biến; ✓", 2030)[0]
    assert target["text"] == "100% các khu, cụm công nghiệp, làng nghề được phổ biến"
    assert target["breakdown"] == ["khu công nghiệp", "cụm công nghiệp", "làng nghề"]


KNOWN = KnownNames.from_pairs(
    [
        ("Sở Công Thương", "Sở Công Thương", False),
        ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn", False),
        ("Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Phát triển nông thôn", False),
        ("Các sở, ban, ngành", "Các sở, ban, ngành", True),
        ("UBND các huyện, thị xã, thành phố", "UBND các huyện, thị xã, thành phố", True),
        ("các đơn vị có liên quan", "các đơn vị có liên quan", True),
    ]
)


def _names(cell):
    return [(n.canonical, n.known, n.is_group) for n in split_names(cell, KNOWN)]


def test_groups_with_commas_are_not_split():
    assert _names(
        "Các sở, ban, ngành, UBND các huyện, thị xã, thành phố và các đơn vị có liên quan"
    ) == [
        ("Các sở, ban, ngành", True, True),
        ("UBND các huyện, thị xã, thành phố", True, True),
        ("các đơn vị có liên quan", True, True),
    ]


def test_several_leads_and_abbreviations():
    assert _names("Sở Công Thương; Sở NN & PTNT") == [
        ("Sở Công Thương", True, False),
        ("Sở Nông nghiệp và Phát triển nông thôn", True, False),
    ]
    assert _names("Sở Công Thương\nSở TN&MT") == [
        ("Sở Công Thương", True, False),
        ("Sở Tài nguyên và Môi trường", False, False),
    ]


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        ("Sở VHTT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở GTVT", "Sở Giao thông vận tải"),
        ("Đài PT-TH", "Đài Phát thanh và Truyền hình tỉnh"),
    ],
)
def test_abbreviations_expand(short, full):
    assert expand_abbreviation(short) == full


def test_unknown_names_are_kept_and_groups_recognised():
    assert _names("Hội Liên hiệp Phụ nữ tỉnh, các trường học") == [
        ("Hội Liên hiệp Phụ nữ tỉnh", False, False),
        ("các trường học", False, True),
    ]


@given(st.text(max_size=300))
def test_name_splitting_never_fails(text):
    for name in split_names(text, KNOWN):
        assert name.canonical.strip()


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Định kỳ hằng năm, các đơn vị gửi báo cáo về Sở Công Thương trước ngày 15/12", (12, 15)),
        ("Hằng năm, báo cáo kết quả trước ngày 20 tháng 11 để tổng hợp", (11, 20)),
        ("Hằng năm tổng kết; báo cáo sơ kết trước ngày 15/12/2022", None),
    ],
)
def test_report_due_with_the_yearly_word_first(text, due):
    assert parse_report_due(text) == due


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Khi có quy định mới", (2021, 2030, "period", True)),
        ("2022 - 2025 và khi có quy định mới", (2022, 2025, "period", True)),
        ("Từ năm học 2022 - 2023", (2022, 2030, "period", False)),
        ("Năm học 2022 - 2023", (2022, 2023, "period", False)),
    ],
)
def test_more_timeframe_wordings(text, expected):
    tf = parse_timeframe(text, PERIOD)
    assert (tf.start, tf.end, tf.recurrence, tf.on_change) == expected


def test_communes_wards_and_special_zones_are_one_group():
    empty = KnownNames.from_pairs([])
    names = split_names("Sở Tài chính, UBND các xã, phường, đặc khu", empty)
    assert [(n.canonical, n.is_group) for n in names] == [
        ("Sở Tài chính", False),
        ("UBND các xã, phường, đặc khu", True),
    ]
    # and a province the registry does not know keeps its departments' names whole
    assert [
        n.canonical
        for n in split_names(
            "Sở Văn hóa, Thể thao và Du lịch; Sở Nông nghiệp và Phát triển nông thôn", empty
        )
    ] == [
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Nông nghiệp và Phát triển nông thôn",
    ]
