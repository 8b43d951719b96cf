"""A coordinator's Word template is filled within bounds (issue 15): loops, output
size and time. One that exceeds them is refused at upload, where it is rendered
once with the data of every year; one that still runs long later fails its job
with a clear message, and nothing hangs."""

from __future__ import annotations

import io

import pytest
from docx import Document

from documents import generate, word
from documents.content import Kind
from documents.models import DocumentTemplate, JobStatus
from documents.template import default_template

NESTED = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


@pytest.fixture
def demo(demo_progress):
    return demo_progress


def _template(text: str) -> bytes:
    """The bundled template with ``{{ title }}`` replaced by ``text``."""
    doc = Document(io.BytesIO(default_template()))
    runs = [r for p in doc.paragraphs for r in p.runs] + [
        r
        for t in doc.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    run = next(r for r in runs if "{{ title }}" in r.text)
    run.text = run.text.replace("{{ title }}", "{{ title }}" + text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_nested_loops_are_refused_at_upload(demo, coordinator):
    with pytest.raises(word.TemplateProblem, match="vòng lặp"):
        generate.upload_template(demo, "mau.docx", _template(NESTED), coordinator)
    assert not DocumentTemplate.objects.exists()


def test_nested_loops_for_an_earlier_year_only_are_refused_at_upload(demo, coordinator):
    """Rendered against the data of every year, not only the latest."""
    hidden = "{% if year < 2023 %}" + NESTED + "{% endif %}"
    with pytest.raises(word.TemplateProblem, match="vòng lặp"):
        generate.upload_template(demo, "mau.docx", _template(hidden), coordinator)
    assert not DocumentTemplate.objects.exists()


def test_a_huge_string_is_refused(demo, coordinator):
    with pytest.raises(word.TemplateProblem, match="quá lớn"):
        generate.upload_template(demo, "mau.docx", _template("{{ 'x' * 100000000 }}"), coordinator)
    with pytest.raises(word.TemplateProblem, match="quá lớn"):
        generate.upload_template(demo, "mau.docx", _template("{{ 10 ** 100000000 }}"), coordinator)


def test_an_ordinary_loop_is_accepted(demo, coordinator):
    tpl = generate.upload_template(
        demo, "mau.docx", _template("{% for i in range(3) %}-{{ i }}{% endfor %}"), coordinator
    )
    assert tpl.active


def test_a_long_running_template_fails_its_job_within_the_bound(demo, coordinator, settings):
    """A template that passed the upload check but runs long later (here: the bound
    made small, the loop budget large) fails its job with a clear message."""
    from worker.runner import run_until_empty

    slow = "{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}"
    data = _template(slow)
    DocumentTemplate.objects.create(
        plan=demo, name="cham.docx", content=data, size=len(data), active=True, warnings=[]
    )
    settings.TEMPLATE_RENDER_SECONDS = 1
    settings.TEMPLATE_MAX_LOOPS = 10**9
    job = generate.start_job(demo, Kind.ANNUAL, [2024], "docx", coordinator)
    assert run_until_empty() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "dừng" in job.error and "1 giây" in job.error
