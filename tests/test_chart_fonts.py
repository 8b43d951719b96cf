"""Charts in the documents draw Vietnamese letters, not empty boxes, also where
Debian has two packages of one font family (fonts-liberation 1.x beside
fonts-liberation2, as on the machine docs/deployment.md was followed on)."""

from __future__ import annotations

import warnings

from documents import charts


def test_chart_text_has_every_vietnamese_letter(monkeypatch):
    from matplotlib import font_manager

    # Which of two same-named files matplotlib picks depends on the order its fresh
    # font cache lists them: put the files without Vietnamese first.
    manager = font_manager.fontManager
    worst_first = sorted(manager.ttflist, key=lambda f: charts._covers_vietnamese(f.fname))
    monkeypatch.setattr(manager, "ttflist", worst_first)
    font_manager.FontManager._findfont_cached.cache_clear()
    charts.chart_fonts.cache_clear()
    charts._style()
    fig, ax = charts.plt.subplots(figsize=(3, 1))
    ax.set_title("Mốc 2025: " + charts.VIETNAMESE + charts.VIETNAMESE.upper())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts._png(fig)
    font_manager.FontManager._findfont_cached.cache_clear()
    charts.chart_fonts.cache_clear()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


def test_chart_fonts_are_files_with_vietnamese():
    from matplotlib import font_manager

    families = charts.chart_fonts()
    assert families[-1] == "serif"
    for family in families[:-1]:
        path = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        assert charts._covers_vietnamese(path), (family, path)
