"""Demo indicators for the seed plan: one for every measurable target, baselines in
2020 and values for 2021–2025 chosen so that the progress dashboard shows every
status at least once. Only for demo databases."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from agencies.models import Agency
from indicators.models import (
    Aggregation,
    Category,
    Dimension,
    Indicator,
    IndicatorValue,
    Kind,
    RegistryEntry,
)
from plans.models import Plan

YEARS = range(2021, 2026)
INDUSTRIES = [
    "dệt may",
    "thép",
    "nhựa",
    "hoá chất",
    "xi măng",
    "rượu bia nước giải khát",
    "giấy",
    "chế biến thủy hải sản",
]

# (milestone, position) -> definition. Values: {year: value} or {year: (part, whole)}.
MATERIAL = {2021: 99.0, 2022: 97.8, 2023: 96.5, 2024: 95.0, 2025: 93.5}
ZONES = {2021: (4, 20), 2022: (6, 20), 2023: (8, 20), 2024: (10, 20), 2025: (11, 20)}
SHOPS = {2021: (16, 50), 2022: (17, 50), 2023: (18, 50), 2024: (19, 50), 2025: (20, 50)}
ADVANCED = {2021: 1010, 2022: 1030, 2023: 1020, 2024: 1040, 2025: 1050}
NTM_MARKETS = {2021: 1150, 2022: 1080, 2023: 990, 2024: 920, 2025: 850}
DEFINITIONS = {
    (2025, 1): (
        "Chỉ số tiêu hao nguyên, nhiên vật liệu của ngành sản xuất chính (2020 = 100)",
        "điểm",
        -1,
        Kind.REPORTED,
        Aggregation.MEAN,
        Dimension.SECTOR,
        2020,
        100,
        MATERIAL,
        "qb-so-cong-thuong",
    ),
    (2025, 2): (
        "Mô hình sản xuất sạch hơn được xây dựng, áp dụng (cộng dồn)",
        "mô hình",
        1,
        Kind.REGISTRY,
        Aggregation.SUM,
        Dimension.NONE,
        None,
        None,
        None,
        "qb-so-cong-thuong",
    ),
    (2025, 3): (
        "Chuỗi liên kết ngành hàng chủ lực được xây dựng (cộng dồn)",
        "chuỗi",
        1,
        Kind.REGISTRY,
        Aggregation.SUM,
        Dimension.NONE,
        None,
        None,
        None,
        "qb-so-cong-thuong",
    ),
    (2025, 4): (
        "Tỷ lệ khu, cụm công nghiệp, làng nghề được phổ biến về SXTDBV",
        "%",
        1,
        Kind.RATIO,
        Aggregation.RATIO_OF_SUMS,
        Dimension.NONE,
        2020,
        20,
        ZONES,
        "qb-so-cong-thuong",
    ),
    (2025, 5): (
        "Tỷ lệ siêu thị, trung tâm thương mại, cửa hàng tiện lợi dùng bao bì thân thiện môi trường",
        "%",
        1,
        Kind.RATIO,
        Aggregation.RATIO_OF_SUMS,
        Dimension.NONE,
        2020,
        32,
        SHOPS,
        "qb-so-cong-thuong",
    ),
    (2025, 6): (
        "Túi nhựa khó phân hủy sử dụng bình quân tại chợ NTM nâng cao (túi/ngày)",
        "túi/ngày",
        -1,
        Kind.REPORTED,
        Aggregation.MEAN,
        Dimension.NONE,
        2020,
        1000,
        ADVANCED,
        "qb-so-cong-thuong",
    ),
    (2025, 7): (
        "Túi nhựa khó phân hủy sử dụng bình quân tại chợ đạt chuẩn NTM (túi/ngày)",
        "túi/ngày",
        -1,
        Kind.REPORTED,
        Aggregation.MEAN,
        Dimension.NONE,
        2020,
        1200,
        NTM_MARKETS,
        "qb-so-cong-thuong",
    ),
    (2025, 8): (
        "Tỷ lệ huyện, thị xã, thành phố có kế hoạch tuyên truyền năm",
        "%",
        1,
        Kind.YES_SHARE,
        Aggregation.SUM,
        Dimension.NONE,
        2020,
        50,
        None,
        None,
    ),
    (2025, 9): (
        "Tỷ lệ cơ quan nhà nước dùng sản phẩm thân thiện môi trường thay nhựa dùng một lần",
        "%",
        1,
        Kind.YES_SHARE,
        Aggregation.SUM,
        Dimension.NONE,
        2020,
        40,
        None,
        None,
    ),
}
# The 2030 targets follow the same indicators.
SAME_AS = {
    (2030, 1): (2025, 1),
    (2030, 2): (2025, 2),
    (2030, 3): (2025, 3),
    (2030, 4): (2025, 4),
    (2030, 5): (2025, 5),
    (2030, 6): (2025, 6),
    (2030, 7): (2025, 7),
}


@transaction.atomic
def load_indicator_demo(plan: Plan) -> int:
    if Indicator.objects.filter(plan=plan).exists():
        return 0
    agencies = {a.code: a for a in Agency.objects.all()}
    targets = {(t.milestone, t.position): t for t in plan.targets.current()}
    created = 0
    for key, target in targets.items():
        definition = DEFINITIONS.get(SAME_AS.get(key, key))
        if definition is None or target.measure == "qualitative":
            continue
        (name, unit, direction, kind, aggregation, dimension, base_year, base, values, supplier) = (
            definition
        )
        indicator = Indicator.objects.create(
            plan=plan,
            target=target,
            name=name,
            unit=unit,
            direction=direction,
            kind=kind,
            aggregation=aggregation,
            dimension=dimension,
            categories=INDUSTRIES if dimension == Dimension.SECTOR else [],
            registry_category=(
                Category.CLEANER_PRODUCTION
                if key[1] == 2
                else Category.VALUE_CHAIN
                if key[1] == 3
                else ""
            ),
            question=name if kind == Kind.YES_SHARE else "",
            baseline_year=base_year,
            baseline_value=Decimal(str(base)) if base is not None else None,
        )
        created += 1
        if supplier:
            indicator.suppliers.add(agencies[supplier])
        _values(indicator, kind, values, agencies, key)
    _registry(plan, agencies)
    return created


def _values(indicator, kind, values, agencies, key) -> None:
    sct = agencies["qb-so-cong-thuong"]
    rows = []
    if kind == Kind.RATIO:
        for year, (part, whole) in values.items():
            rows.append(
                IndicatorValue(
                    indicator=indicator,
                    year=year,
                    agency=sct,
                    numerator=part,
                    denominator=whole,
                    value=Decimal(100 * part / whole).quantize(Decimal("0.0001")),
                )
            )
    elif kind == Kind.REPORTED and indicator.dimension == Dimension.SECTOR:
        for year, value in values.items():
            for i, industry in enumerate(INDUSTRIES):
                spread = Decimal(str(value)) + Decimal(i - 3.5) / 2
                rows.append(
                    IndicatorValue(
                        indicator=indicator, year=year, agency=sct, category=industry, value=spread
                    )
                )
            rows.append(
                IndicatorValue(
                    indicator=indicator, year=year, agency=sct, value=Decimal(str(value))
                )
            )
    elif kind == Kind.REPORTED:
        for year, value in values.items():
            rows.append(
                IndicatorValue(
                    indicator=indicator, year=year, agency=sct, value=Decimal(str(value))
                )
            )
    elif kind == Kind.YES_SHARE:
        rows += _yes_share_values(indicator, key)
    IndicatorValue.objects.bulk_create(rows)


# Yes-answers by year as a share of those asked: districts with a yearly plan (the
# communes and wards of the plan's territory after 1/7/2025), departments using
# eco-friendly products (all of them by 2025).
YES_SHARES = {
    8: {2021: 0.5, 2022: 0.625, 2023: 0.75, 2024: 0.75, 2025: 0.875},
    9: {2021: 0.5, 2022: 0.667, 2023: 0.82, 2024: 0.94, 2025: 1.0},
}
ASKED_KINDS = {8: {"district_committee", "commune_committee"}, 9: {"department"}}


def answering_in(plan: Plan, year: int, kinds: set[str]) -> list[Agency]:
    """The agencies of ``kinds`` answering the plan in ``year``: those whose reports
    the year's period asks for (on its due date), so never an agency that did not exist
    yet (the 2024 value is over Quảng Bình's departments, not Quảng Trị's of 2025)."""
    from reporting.periods import default_due_date, responsibilities

    found = responsibilities(plan, year, default_due_date(plan, year))
    return sorted((a for a in found if a.kind in kinds), key=lambda a: a.code)


def _yes_share_values(indicator: Indicator, key) -> list[IndicatorValue]:
    rows, suppliers = [], {}
    for year in YEARS:
        asked = answering_in(indicator.plan, year, ASKED_KINDS[key[1]])
        yes = round(len(asked) * YES_SHARES[key[1]][year])
        for i, agency in enumerate(asked):
            suppliers[agency.pk] = agency
            rows.append(
                IndicatorValue(indicator=indicator, year=year, agency=agency, value=int(i < yes))
            )
    indicator.suppliers.set(suppliers.values())  # each answers in its annual report
    return rows


def _registry(plan, agencies) -> None:
    sct = agencies["qb-so-cong-thuong"]
    entries = [
        (
            "cleaner_production",
            "Sản xuất sạch hơn tại Nhà máy xi măng Sông Gianh",
            2021,
            "thị xã Ba Đồn",
        ),
        (
            "cleaner_production",
            "Tiết kiệm năng lượng tại Nhà máy bia Hà Nội - Quảng Bình",
            2022,
            "thành phố Đồng Hới",
        ),
        (
            "cleaner_production",
            "Sản xuất sạch hơn trong chế biến thủy sản Sông Gianh",
            2023,
            "huyện Quảng Trạch",
        ),
        (
            "cleaner_production",
            "Mô hình tái sử dụng nước thải làng nghề nón lá",
            2023,
            "huyện Quảng Ninh",
        ),
        (
            "cleaner_production",
            "Lò sấy tiết kiệm năng lượng cơ sở chế biến gỗ",
            2024,
            "huyện Bố Trạch",
        ),
        (
            "cleaner_production",
            "Sản xuất sạch hơn tại Nhà máy may Quảng Bình",
            2025,
            "thành phố Đồng Hới",
        ),
        ("cleaner_production", "Mô hình thu hồi phụ phẩm chế biến nông sản", 2025, "huyện Lệ Thủy"),
        (
            "value_chain",
            "Chuỗi liên kết sản xuất, tiêu thụ lúa gạo hữu cơ Lệ Thủy",
            2022,
            "huyện Lệ Thủy",
        ),
    ]
    RegistryEntry.objects.bulk_create(
        [
            RegistryEntry(
                plan=plan,
                category=category,
                name=name,
                agency=sct,
                year=year,
                locality=locality,
                evidence="Báo cáo năm của Sở Công Thương",
            )
            for category, name, year, locality in entries
        ]
    )
