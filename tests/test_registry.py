"""The agency registry: every wording of the seed resolves, abbreviations
included, and group references resolve to their members on a date."""

import datetime as dt

import pytest

from agencies.membership import group_ids_of
from agencies.models import Agency, AgencyGroup, AgencyKind
from agencies.registry import load_registry, resolve, wording_key
from audit.models import AuditEntry


@pytest.mark.parametrize(
    ("wording", "code"),
    [
        ("Sở NN&PTNT", "qb-so-nnptnt"),
        ("Sở NN & PTNT", "qb-so-nnptnt"),
        ("sở nông nghiệp và phát triển nông thôn", "qb-so-nnptnt"),
        ("Sở TN&MT", "qb-so-tnmt"),
        ("Sở KH&ĐT", "qb-so-khdt"),
        ("Sở KH&CN", "qb-so-khcn"),
        ("Sở GD&ĐT", "qb-so-gddt"),
        ("Sở LĐ-TB&XH", "qb-so-ldtbxh"),
        ("Sở Lao động - Thương binh và Xã hội", "qb-so-ldtbxh"),
        ("Sở Lao động – Thương binh và Xã hội", "qb-so-ldtbxh"),
        ("Sở GTVT", "qb-so-gtvt"),
        ("Sở VH&TT", "qb-so-vhtt"),
        ("Đài PT-TH", "qb-dai-ptth"),
        ("Ủy ban nhân dân tỉnh Quảng Bình", "qb-ubnd-tinh"),
        ("UBND TP Đồng Hới", "qb-dong-hoi"),
        ("TX Ba Đồn", "qb-ba-don"),
        ("huyện Minh Hoá", "qb-minh-hoa"),
        ("UBND huyện Lệ Thủy", "qb-le-thuy"),
        ("Bộ Công Thương", "bo-cong-thuong"),
    ],
)
def test_agency_wordings_resolve_to_one_agency(registry, wording, code):
    found = resolve(wording, scope=Agency.objects.get(code="qb-ubnd-tinh"))
    assert found.agency is not None and found.agency.code == code
    assert found.group is None


@pytest.mark.parametrize(
    ("wording", "code"),
    [
        ("Các sở, ban, ngành", "qb-so-ban-nganh"),
        ("Các Sở, ban, ngành", "qb-so-ban-nganh"),
        ("UBND các huyện, thị xã, thành phố", "qb-ubnd-cap-huyen"),
        ("các đơn vị có liên quan", "don-vi-lien-quan"),
        ("các đơn vị liên quan", "don-vi-lien-quan"),
        ("UBND cấp xã", "qb-ubnd-cap-xa"),
        ("các làng nghề", "lang-nghe"),
    ],
)
def test_group_wordings_resolve_to_a_group_reference(registry, wording, code):
    found = resolve(wording, scope=Agency.objects.get(code="qb-ubnd-tinh"))
    assert found.group is not None and found.group.code == code
    assert found.agency is None


def test_unknown_wording_does_not_resolve(registry):
    assert not resolve("Sở Không Tồn Tại").found
    assert not resolve("x" * 10_000).found


def test_wording_key_ignores_case_diacritics_and_spacing():
    assert wording_key("Sở NN & PTNT;") == wording_key("so nn&ptnt")


def test_registry_has_the_eight_districts_of_quang_binh(registry):
    districts = Agency.objects.filter(kind=AgencyKind.DISTRICT_COMMITTEE)
    assert sorted(districts.values_list("code", flat=True)) == sorted(
        [
            "qb-dong-hoi",
            "qb-ba-don",
            "qb-minh-hoa",
            "qb-tuyen-hoa",
            "qb-quang-trach",
            "qb-bo-trach",
            "qb-quang-ninh",
            "qb-le-thuy",
        ]
    )


def test_district_group_means_the_districts_valid_on_the_day(registry):
    group = AgencyGroup.objects.get(code="qb-ubnd-cap-huyen")
    assert group.members_on(dt.date(2024, 1, 1)).count() == 8
    Agency.objects.filter(kind=AgencyKind.DISTRICT_COMMITTEE).update(valid_to=dt.date(2025, 6, 30))
    assert group.members_on(dt.date(2025, 6, 30)).count() == 8
    assert group.members_on(dt.date(2025, 7, 1)).count() == 0


def test_open_groups_have_no_enumerable_members(registry):
    group = AgencyGroup.objects.get(code="don-vi-lien-quan")
    assert group.members_on(dt.date(2022, 1, 1)).count() == 0


def test_a_department_belongs_to_the_departments_group_but_not_the_districts(registry):
    sdl = Agency.objects.get(code="qb-so-du-lich")
    groups = set(
        AgencyGroup.objects.filter(pk__in=group_ids_of(sdl, 2022)).values_list("code", flat=True)
    )
    assert "qb-so-ban-nganh" in groups
    assert "qb-ubnd-cap-huyen" not in groups
    sdl.valid_to = dt.date(2025, 2, 28)
    assert group_ids_of(sdl, 2026) == set()


def test_loading_the_registry_twice_changes_nothing(registry):
    entries = AuditEntry.objects.count()
    agencies = Agency.objects.count()
    counts = load_registry()
    assert counts["agencies"] == 0 and counts["groups"] == 0
    assert Agency.objects.count() == agencies
    assert AuditEntry.objects.count() == entries


def test_loading_the_registry_writes_the_audit_log(registry):
    entry = AuditEntry.objects.filter(object_type="agencies.agency", action="create").first()
    assert entry is not None and entry.after["name"]


def test_department_wordings_belong_to_their_province(registry):
    from agencies.registry import Resolver, add_alias

    qb = Agency.objects.get(code="qb-ubnd-tinh")
    qt = Agency.objects.create(
        code="qt-ubnd-tinh", name="UBND tỉnh Quảng Trị", kind=AgencyKind.PROVINCE_COMMITTEE
    )
    qt_sct = Agency.objects.create(
        code="qt-so-cong-thuong",
        name="Sở Công Thương",
        kind=AgencyKind.DEPARTMENT,
        parent=qt,
        province=qt,
    )
    add_alias("Sở Công Thương", scope=qt, agency=qt_sct)
    assert resolve("Sở Công Thương", scope=qb).agency.code == "qb-so-cong-thuong"
    assert resolve("Sở Công Thương", scope=qt).agency.code == "qt-so-cong-thuong"
    assert not resolve("Sở Công Thương").found  # ambiguous without a province
    assert Resolver(scope=qt).resolve("sở công thương").agency == qt_sct
    # National wordings resolve everywhere.
    assert Resolver(scope=qt).resolve("Bộ Công Thương").agency.code == "bo-cong-thuong"
    assert resolve("UBND tỉnh Quảng Bình").agency == qb
    assert resolve("UBND tỉnh", scope=qb).agency == qb
