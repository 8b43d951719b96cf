"""Digital signatures (outgoing.signing): a PDF signed with a test PKCS#12 key and one
signed through SoftHSM2 (a PKCS#11 token) both verify with pyHanko's validator and
show as valid; a byte changed after signing shows as altered; a chain that reaches
no configured root shows as untrusted; B-LT with an RFC 3161 timestamp. The tests
make their own certificates (outgoing.certificates)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from outgoing import certificates, signing

pytestmark = pytest.mark.slow  # seconds each: scheduled first (tests/README.md)

ORG = "Sở Công Thương tỉnh Quảng Trị"
SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"


def blank_pdf() -> bytes:
    """A one-page A4 PDF (pyHanko's writer)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    box = generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)])
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): box,
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def pki():
    root = certificates.make_root("planwatch test root", "Kiểm thử")
    leaf = certificates.make_leaf(root, "Nguyễn Văn An", ORG)
    return root, leaf


def asn1(issued) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(issued.der())


@pytest.fixture
def p12(pki, tmp_path):
    root, leaf = pki
    path = tmp_path / "signer.p12"
    path.write_bytes(certificates.pkcs12_bytes(leaf, [root], "mật khẩu"))
    return signing.KeyConfig(pkcs12=str(path), password="mật khẩu")


def test_a_pdf_signed_with_a_pkcs12_key_verifies(pki, p12, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    signed = signing.sign_pdf(
        blank_pdf(), organisation=ORG, signer_name="Nguyễn Văn An", config=p12
    )
    result = signing.verify(signed, [asn1(pki[0])])
    assert result.status == "valid"
    [check] = result.signatures
    assert check.signer.startswith("Nguyễn Văn An")
    assert check.intact and check.valid and check.trusted and check.covers_whole_file
    assert check.signed_at is not None
    # pyHanko's own validator agrees
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(signed))
    status = validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[asn1(pki[0])])
    )
    assert status.bottom_line


def test_a_byte_changed_after_signing_shows_as_altered(pki, p12, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    signed = bytearray(signing.sign_pdf(blank_pdf(), organisation=ORG, config=p12))
    at = signed.index(b"/MediaBox")
    signed[at + 1] = ord("m")  # inside the signed byte range
    result = signing.verify(bytes(signed), [asn1(pki[0])])
    assert result.status == "altered"
    assert not result.signatures[0].intact


def test_a_chain_to_no_configured_root_is_untrusted(p12, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    other = certificates.make_root("another root", "Khác")
    signed = signing.sign_pdf(blank_pdf(), organisation=ORG, config=p12)
    result = signing.verify(signed, [asn1(other)])
    assert result.status == "untrusted"
    assert result.signatures[0].intact and not result.signatures[0].trusted


def test_the_configured_roots_are_read_from_files_and_folders(pki, p12, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    folder = tmp_path / "roots"
    folder.mkdir()
    (folder / "root.pem").write_bytes(pki[0].pem())
    settings.PLANWATCH_TRUST_ROOTS = str(folder)
    signed = signing.sign_pdf(blank_pdf(), organisation=ORG, config=p12)
    assert signing.verify(signed).status == "valid"
    settings.PLANWATCH_TRUST_ROOTS = ""
    assert signing.verify(signed).status == "untrusted"


def test_unsigned_and_not_a_pdf(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert signing.verify(blank_pdf()).status == "unsigned"
    assert signing.verify(b"PK\x03\x04 not a pdf").status == "unreadable"
    assert signing.verify(b"%PDF-1.7 broken").status in ("unreadable", "unsigned")


def test_the_visible_signature_is_at_the_top_right_with_the_iso_time(p12, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    signed = signing.sign_pdf(
        blank_pdf(), organisation=ORG, signer_name="Nguyễn Văn An", config=p12
    )
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(signed))
    annot = reader.root["/Pages"]["/Kids"][0]["/Annots"][0].get_object()
    x1, _y1, _x2, y2 = (float(v) for v in annot["/Rect"])
    assert x1 > 595 / 2 and y2 > 842 - 60  # top right of page 1
    rendered, fonts = _render_text(signed)
    assert "Nguyễn Văn An" in rendered and ORG in rendered
    import re

    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", rendered)
    # the font is embedded (DejaVu Sans, Vietnamese letters)
    assert fonts and all("DejaVuSans" in name and embedded for name, embedded in fonts)


def _render_text(pdf: bytes) -> str:
    """The text of the signature's appearance as the PDF's ToUnicode gives it."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    annot = reader.root["/Pages"]["/Kids"][0]["/Annots"][0].get_object()
    stream = annot["/AP"]["/N"]
    texts = []
    fonts = []

    def walk(xobject, depth=0):
        data = xobject.data
        import re

        for m in re.finditer(rb"/ActualText \((.*?)\)\s*>>", data, re.S):
            raw = m.group(1)
            texts.append(_pdf_string(raw))
        resources = xobject.get("/Resources", {})
        for _name, font in (resources.get("/Font") or {}).items():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(str(k).startswith("/FontFile") for k in descriptor)
            fonts.append((str(descendant["/BaseFont"]), embedded))
        for _name, ref in (resources.get("/XObject") or {}).items():
            if depth < 4:
                walk(ref.get_object(), depth + 1)

    walk(stream)
    return "\n".join(texts), fonts


def _pdf_string(raw: bytes) -> str:
    import codecs

    octal = codecs.escape_decode(raw)[0]
    return octal.decode("utf-16-be") if octal.startswith(b"\xfe\xff") else octal.decode("latin-1")


def test_b_lt_with_a_timestamp(pki, p12, settings, tmp_path):
    """PAdES B-LT: an RFC 3161 timestamp (pyHanko's in-process timestamp unit, with
    a certificate of the test root) and the validation data in the file."""
    from asn1crypto import keys
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    settings.VAR_DIR = tmp_path
    root = pki[0]
    tsa = certificates.make_leaf(root, "planwatch test TSA", "Kiểm thử", time_stamping=True)
    stamper = DummyTimeStamper(
        tsa_cert=asn1(tsa),
        tsa_key=keys.PrivateKeyInfo.load(certificates.private_key_der(tsa)),
        certs_to_embed=[asn1(root)],
    )
    signed = signing.sign_pdf(
        blank_pdf(),
        organisation=ORG,
        config=p12,
        timestamper=stamper,
        validation_roots=[asn1(root)],
    )
    result = signing.verify(signed, [asn1(root)])
    assert result.status == "valid"
    assert result.signatures[0].timestamp is not None
    assert b"/DSS" in signed  # the validation data (certificates) embedded


def test_no_key_configured(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PLANWATCH_SIGN_PKCS12 = ""
    settings.PLANWATCH_SIGN_PKCS11_MODULE = ""
    assert signing.key_config() is None
    with pytest.raises(signing.SigningError):
        signing.sign_pdf(blank_pdf(), organisation=ORG)


def test_a_wrong_pkcs12_password_is_a_clear_error(p12, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    wrong = signing.KeyConfig(pkcs12=p12.pkcs12, password="sai")
    with pytest.raises(signing.SigningError, match="PKCS#12"):
        signing.sign_pdf(blank_pdf(), organisation=ORG, config=wrong)


# --- SoftHSM2: a PKCS#11 token ------------------------------------------------------------


@pytest.fixture
def token(pki, tmp_path, monkeypatch):
    """A SoftHSM2 token holding the signer's key and certificate (label "signer")."""
    if not Path(SOFTHSM).exists() or not shutil.which("softhsm2-util"):
        pytest.fail("SoftHSM2 is missing: `make test` installs it (scripts/ensure-softhsm)")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    run = lambda *args: subprocess.run(args, check=True, capture_output=True, env=env)  # noqa: E731
    run("softhsm2-util", "--init-token", "--free", "--label", "planwatch",
        "--pin", "1234", "--so-pin", "5678")  # fmt: skip
    key = tmp_path / "key.pem"
    _root, leaf = pki
    key.write_bytes(
        leaf.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    run("softhsm2-util", "--import", str(key), "--token", "planwatch", "--label", "signer",
        "--id", "01", "--pin", "1234")  # fmt: skip
    _write_certificate(leaf, "1234")
    return signing.KeyConfig(module=SOFTHSM, token="planwatch", pin="1234", key_label="signer")


def _write_certificate(issued, pin: str) -> None:
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(SOFTHSM)
    with lib.get_token(token_label="planwatch").open(user_pin=pin, rw=True) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "signer",
                Attribute.ID: b"\x01",
                Attribute.VALUE: issued.der(),
                Attribute.SUBJECT: issued.cert.subject.public_bytes(),
                Attribute.ISSUER: issued.cert.issuer.public_bytes(),
                Attribute.SERIAL_NUMBER: asn1(issued)
                .serial_number.to_bytes(20, "big")
                .lstrip(b"\0"),
            }
        )


def test_a_pdf_signed_through_softhsm2_verifies(pki, token, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PLANWATCH_SIGN_PKCS11_MODULE = token.module
    settings.PLANWATCH_SIGN_PKCS11_TOKEN = token.token
    settings.PLANWATCH_SIGN_PKCS11_PIN = token.pin
    settings.PLANWATCH_SIGN_PKCS11_KEY = token.key_label
    assert signing.key_config() == token  # the environment's configuration
    signed = signing.sign_pdf(blank_pdf(), organisation=ORG, signer_name="Nguyễn Văn An")
    result = signing.verify(signed, [asn1(pki[0])])
    assert result.status == "valid", result.signatures
    assert result.signatures[0].signer.startswith("Nguyễn Văn An")


def test_a_wrong_token_pin_is_a_clear_error(token, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    wrong = signing.KeyConfig(
        module=token.module, token=token.token, pin="0000", key_label="signer"
    )
    with pytest.raises(signing.SigningError):
        signing.sign_pdf(blank_pdf(), organisation=ORG, config=wrong)
