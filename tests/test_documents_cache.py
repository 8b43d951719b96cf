"""What makes a document quicker without changing it (issue 17): a template's Jinja
code compiled once and kept on disk for the next (forked) filling, and LibreOffice
profiles kept per slot, one conversion at a time in each."""

from __future__ import annotations

import threading

from documents import pdf, sandbox


def _counting(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "_code_dir", lambda: tmp_path / "code")
    monkeypatch.setattr(sandbox, "_COMPILED", {})
    made = []
    real = sandbox.compiled

    def counted(source, autoescape, make):
        def counted_make():
            made.append(source)
            return make()

        return real(source, autoescape, counted_make)

    monkeypatch.setattr(sandbox, "compiled", counted)
    return made


def test_template_code_is_compiled_once_and_read_back_from_disk(monkeypatch, tmp_path):
    made = _counting(monkeypatch, tmp_path)
    source = "{% for n in range(3) %}{{ n }}·{{ name }} {% endfor %}"
    first = sandbox.environment().from_string(source).render(name="Sở")
    assert made == [source]
    again = sandbox.environment().from_string(source).render(name="Sở")
    sandbox._COMPILED.clear()  # a new process: only the disk has it
    from_disk = sandbox.environment().from_string(source).render(name="Sở")
    assert made == [source]
    assert first == again == from_disk == "0·Sở 1·Sở 2·Sở "
    sandbox.environment().from_string(source + "!").render(name="Sở")
    assert len(made) == 2  # another source is other code


def test_kept_code_keeps_the_bounds_and_the_escaping(monkeypatch, tmp_path):
    made = _counting(monkeypatch, tmp_path)
    monkeypatch.setattr(sandbox, "_limits", lambda: (5, 1000))
    loop = "{% for n in range(10) %}{{ n }}{% endfor %}"
    for _ in range(2):  # compiled, then kept: both refused
        try:
            sandbox.environment().from_string(loop).render()
        except sandbox.TemplateBound:
            pass
        else:
            raise AssertionError("the loop bound was not applied")
    assert made == [loop]
    escaped = sandbox.environment()
    escaped.autoescape = True
    assert escaped.from_string("{{ x }}").render(x="<w:t>") == "&lt;w:t&gt;"
    plain = sandbox.environment()
    assert plain.from_string("{{ x }}").render(x="<w:t>") == "<w:t>"
    assert made == [loop, "{{ x }}", "{{ x }}"]  # escaping changes the code: one each


def test_a_damaged_kept_file_is_compiled_again(monkeypatch, tmp_path):
    made = _counting(monkeypatch, tmp_path)
    sandbox.environment().from_string("{{ 1 + 1 }}").render()
    (kept,) = (tmp_path / "code").iterdir()
    kept.write_bytes(b"not code")
    sandbox._COMPILED.clear()
    assert sandbox.environment().from_string("{{ 1 + 1 }}").render() == "2"
    assert len(made) == 2


def test_pdf_profiles_are_kept_and_never_shared(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pdf._profile() as first:
        with pdf._profile() as second:  # another conversion meanwhile: another slot
            assert first != second
    with pdf._profile() as again:
        assert again == first  # the same slot, free again: its profile is kept
    taken = threading.Event()
    release = threading.Event()
    got: list = []

    def hold_every_slot():
        import contextlib

        with contextlib.ExitStack() as stack:
            for _ in range(pdf.SLOTS):
                stack.enter_context(pdf._profile())
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold_every_slot)
    holder.start()
    assert taken.wait(10)

    def convert():
        with pdf._profile() as p:
            got.append(p)

    waiting = threading.Thread(target=convert)
    waiting.start()
    waiting.join(0.3)
    assert not got  # every slot busy: it waits
    release.set()
    holder.join(10)
    waiting.join(10)
    assert got and got[0].parent == tmp_path / "libreoffice"
