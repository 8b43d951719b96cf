"""The task table's cells built in Python (plans_tags.issued_refs, agency_options) give
the HTML the templates they replace gave, escaped the same."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template

from plans.models import Assignment
from plans.queries import agency_choices, parse_filter, tasks_with_assignments

# The template the task table included in each cell before (plans/_refs.html).
REFS = (
    "{% for a in refs %}{% if a.agency %}<a href=\"{% url 'agencies:detail' a.agency.code %}\""
    ' title="{{ a.agency.name }}">{{ a.wording }}</a>{% else %}<span class="ref-group"'
    ' title="{{ a.group.description }}">{{ a.wording }}</span>{% endif %}'
    "{% if not forloop.last %}; {% endif %}{% endfor %}\n"
)
OPTIONS = (
    '{% for c in choices %}<option value="{{ c.agency.code }}"'
    "{% if flt.agency.pk == c.agency.pk %} selected{% endif %}>{{ c.label }}</option>"
    "{% endfor %}"
)


def test_the_references_of_each_task_as_the_included_template_gave_them(plan):
    Assignment.objects.filter(pk=Assignment.objects.filter(agency__isnull=False)[0].pk).update(
        wording='Sở <Du lịch> & "khác"'
    )
    Assignment.objects.filter(pk=Assignment.objects.filter(group__isnull=False)[0].pk).update(
        wording="UBND 'các' huyện"
    )
    old = Template(REFS)
    new = Template("{% load plans_tags %}{% issued_refs task role %}")
    for task in tasks_with_assignments(plan):
        for role in ("lead", "partner"):
            refs = [a for a in task.assignments.all() if a.role == role]
            expected = old.render(Context({"refs": refs}))
            assert new.render(Context({"task": task, "role": role})) == expected
    assert "&lt;Du lịch&gt; &amp; &quot;khác&quot;" in "".join(
        new.render(Context({"task": t, "role": r}))
        for t in tasks_with_assignments(plan)
        for r in ("lead", "partner")
    )


def test_the_agency_options_as_the_template_loop_gave_them(plan):
    issued, today = agency_choices(plan, dt.date(2026, 12, 1))
    new = Template("{% load plans_tags %}{% agency_options choices flt.agency %}")
    for params in ({}, {"agency": issued[0].agency.code}, {"agency": "qb-so-du-lich"}):
        flt = parse_filter(plan, params)
        for choices in (issued, today):
            context = {"choices": choices, "flt": flt}
            assert new.render(Context(context)) == Template(OPTIONS).render(Context(context))
    flt = parse_filter(plan, {"agency": "qb-so-du-lich"})
    page = new.render(Context({"choices": issued, "flt": flt}))
    assert page.count(" selected") == 1


def test_the_addresses_kept_once_a_page_are_each_agency_own(plan):
    tasks = list(tasks_with_assignments(plan))
    page = Template(
        '{% load plans_tags %}{% for t in tasks %}{% issued_refs t "lead" %}'
        '{% issued_refs t "partner" %}{% endfor %}'
    ).render(Context({"tasks": tasks}))
    old = Template(REFS)
    expected = "".join(
        old.render(Context({"refs": [a for a in t.assignments.all() if a.role == role]}))
        for t in tasks
        for role in ("lead", "partner")
    )
    assert page == expected and page.count('href="/agencies/') > 10
