"""Digital signatures on PDF files with pyHanko (PAdES): signing with a key from a
PKCS#12 file or a PKCS#11 token (a USB token, SoftHSM2 in the tests), a visible
signature at the top right of page 1 (Nghị định 30/2020/NĐ-CP, Phụ lục I: the
organisation's signature with the time in ISO 8601) in an embedded font, a
timestamp (RFC 3161) and the validation data (B-LT) where a timestamp service is
configured; and verification of any signed PDF against the configured roots.

Configuration by environment variables (planwatch/settings.py, docs/documents.md):
``PLANWATCH_SIGN_PKCS12`` and ``PLANWATCH_SIGN_PKCS12_PASSWORD``, or
``PLANWATCH_SIGN_PKCS11_MODULE``, ``_TOKEN``, ``_PIN``, ``_KEY``;
``PLANWATCH_TSA_URL``; ``PLANWATCH_TRUST_ROOTS``; ``PLANWATCH_SIGN_FONT``.

pyHanko is imported inside the functions: this module is loaded by the pages,
which must not pay for it until they sign or verify.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

FIELD_NAME = "Signature1"
# In points, from the top right corner of page 1 (A4: 595 x 842): 70 x 15.5 mm, in the
# 20 mm top margin of Nghị định 30's layout, right-aligned with the 20 mm right margin.
BOX_WIDTH, BOX_HEIGHT, RIGHT, TOP = 200, 44, 57, 6
DEMO_DIR = "demo-signing"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


class SigningError(RuntimeError):
    """No signature could be made: the reason, in the user's language."""


@dataclass(frozen=True)
class KeyConfig:
    """Where the key is: a PKCS#12 file (``pkcs12``) or a PKCS#11 token (``module``)."""

    pkcs12: str = ""
    password: str = ""
    module: str = ""
    token: str = ""
    pin: str = ""
    key_label: str = ""
    demo: bool = False

    @property
    def kind(self) -> str:
        return "pkcs11" if self.module else "pkcs12" if self.pkcs12 else ""


def demo_dir() -> Path:
    return Path(settings.VAR_DIR) / DEMO_DIR


def key_config() -> KeyConfig | None:
    """The configured key, or the demo key that ``load_demo`` made, or None."""
    module = getattr(settings, "PLANWATCH_SIGN_PKCS11_MODULE", "")
    if module:
        return KeyConfig(
            module=module,
            token=getattr(settings, "PLANWATCH_SIGN_PKCS11_TOKEN", ""),
            pin=getattr(settings, "PLANWATCH_SIGN_PKCS11_PIN", ""),
            key_label=getattr(settings, "PLANWATCH_SIGN_PKCS11_KEY", ""),
        )
    pkcs12 = getattr(settings, "PLANWATCH_SIGN_PKCS12", "")
    if pkcs12:
        return KeyConfig(
            pkcs12=pkcs12, password=getattr(settings, "PLANWATCH_SIGN_PKCS12_PASSWORD", "")
        )
    demo = demo_dir() / "demo-signer.p12"
    if demo.exists():
        return KeyConfig(pkcs12=str(demo), password=demo_password(), demo=True)
    return None


def demo_password() -> str:
    path = demo_dir() / "password"
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


def font_file() -> str | None:
    """An OpenType font with the Vietnamese letters: DejaVu Sans (fonts-dejavu-core),
    scaled to 1000 units per em (pyHanko writes the font's widths unscaled, which a
    PDF reads per 1000: a 2048-unit font would be set twice too wide)."""
    configured = getattr(settings, "PLANWATCH_SIGN_FONT", "")
    for candidate in (configured, DEJAVU):
        if candidate and Path(candidate).exists():
            return _per_thousand(Path(candidate))
    return None


def _per_thousand(source: Path) -> str:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
    from fontTools.ttLib.scaleUpem import scale_upem  # type: ignore[import-untyped]

    font = TTFont(str(source))
    if font["head"].unitsPerEm == 1000:
        return str(source)
    target = Path(settings.VAR_DIR) / "fonts" / f"{source.stem}-1000{source.suffix}"
    if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
        target.parent.mkdir(parents=True, exist_ok=True)
        scale_upem(font, 1000)
        partial = target.with_suffix(".part")
        font.save(str(partial))
        partial.replace(target)
    return str(target)


# --- signing --------------------------------------------------------------------


def _signer(config: KeyConfig) -> Any:
    from pyhanko.sign import signers

    if config.kind == "pkcs11":
        return _pkcs11_signer(config)
    try:
        data = Path(config.pkcs12).read_bytes()
    except OSError as exc:
        raise SigningError(
            _("The signing key file %(path)s cannot be read.") % {"path": config.pkcs12}
        ) from exc
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=config.password.encode() or None
        )
    except ValueError as exc:
        raise SigningError(
            _("The signing key file cannot be opened: wrong password or not a PKCS#12 file.")
        ) from exc


def _pkcs11_signer(config: KeyConfig) -> Any:
    from pyhanko.sign import pkcs11
    from pyhanko.sign.general import SigningError as HankoError

    try:
        criteria = pkcs11.TokenCriteria(label=config.token) if config.token else None
        session = pkcs11.open_pkcs11_session(
            config.module, token_criteria=criteria, user_pin=config.pin or None
        )
    except Exception as exc:
        raise SigningError(
            _("The signing token cannot be opened: %(error)s") % {"error": exc}
        ) from exc
    try:
        return pkcs11.PKCS11Signer(session, key_label=config.key_label or None)
    except (HankoError, Exception) as exc:
        session.close()
        raise SigningError(
            _("The key on the signing token cannot be used: %(error)s") % {"error": exc}
        ) from exc


class _IsoStampStyle:
    """Made at first use (pyHanko's classes are imported late): a text stamp whose
    time reads ``2026-12-02T09:15:00+07:00`` (ISO 8601)."""

    cls: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls.cls is None:
            from pyhanko.stamp import TextStampStyle

            class IsoTextStampStyle(TextStampStyle):
                def create_stamp(self, writer, box, text_params):
                    ts = text_params.get("ts", "")
                    text_params = {**text_params, "ts": re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", ts)}
                    return super().create_stamp(writer, box, text_params)

            cls.cls = IsoTextStampStyle
        return cls.cls


def stamp_style(organisation: str) -> Any:
    from pyhanko.pdf_utils.text import TextBoxStyle

    font = font_file()
    if font is None:
        raise SigningError(
            _(
                "No font with Vietnamese letters for the visible signature: install fonts-dejavu-core."
            )
        )
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    # The signature's text is the document's, in Vietnamese whatever the interface.
    lines = ["Ký bởi: %(signer)s", organisation.replace("%", "%%"), "Thời gian ký: %(ts)s"]
    size = 7
    return _IsoStampStyle.get()(
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(font, font_size=size), font_size=size, leading=size + 2
        ),
        stamp_text="\n".join(lines),
        timestamp_format="%Y-%m-%dT%H:%M:%S%z",
        border_width=1,
    )


def _page_box(pdf: bytes) -> tuple[int, int, int, int]:
    """The signature's box at the top right of page 1 (in points)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0].get_object()
    box = page.get("/MediaBox") or [0, 0, 595, 842]
    right, top = float(box[2]), float(box[3])
    x2, y2 = int(right - RIGHT), int(top - TOP)
    return (x2 - BOX_WIDTH, y2 - BOX_HEIGHT, x2, y2)


def _timestamper() -> Any:
    url = getattr(settings, "PLANWATCH_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=20)


def sign_pdf(
    pdf: bytes,
    *,
    organisation: str,
    signer_name: str = "",
    reason: str = "",
    location: str = "",
    config: KeyConfig | None = None,
    timestamper: Any = None,
    validation_roots: list[Any] | None = None,
) -> bytes:
    """``pdf`` signed (PAdES B-B; B-LT when a timestamp service is configured or
    ``timestamper`` is given): the visible signature at the top right of page 1."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError as HankoError

    config = config or key_config()
    if config is None:
        raise SigningError(_("No signing key is configured on this server."))
    signer = _signer(config)
    timestamper = timestamper or _timestamper()
    lt = timestamper is not None
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        name=signer_name or None,
        reason=reason or None,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        embed_validation_info=lt,
        validation_context=_context(validation_roots, signer) if lt else None,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        stamp_style=stamp_style(organisation),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=0, box=_page_box(pdf)),
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = pdf_signer.sign_pdf(writer)
    except (HankoError, ValueError, OSError) as exc:
        raise SigningError(_("The PDF could not be signed: %(error)s") % {"error": exc}) from exc
    finally:
        session = getattr(signer, "pkcs11_session", None)
        if session is not None:
            session.close()
    return out.getvalue()


def _context(roots: list[Any] | None, signer: Any = None) -> Any:
    from pyhanko_certvalidator import ValidationContext

    trusted = list(roots if roots is not None else trust_roots())
    others = list(getattr(signer, "cert_registry", None) or []) if signer is not None else []
    return ValidationContext(
        trust_roots=trusted, other_certs=others, allow_fetching=False, revocation_mode="soft-fail"
    )


# --- trusted roots --------------------------------------------------------------


def _read_certs(path: Path) -> list[Any]:
    from asn1crypto import pem, x509  # type: ignore[import-untyped]

    data = path.read_bytes()
    if pem.detect(data):
        return [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def trust_roots() -> list[Any]:
    """The roots a chain must reach: the files (PEM or DER) and folders listed in
    ``PLANWATCH_TRUST_ROOTS`` (separated by ``:``), and the demo root of ``load_demo``."""
    paths: list[Path] = []
    for item in str(getattr(settings, "PLANWATCH_TRUST_ROOTS", "") or "").split(":"):
        if item.strip():
            p = Path(item.strip())
            paths.extend(sorted(p.iterdir()) if p.is_dir() else [p])
    demo_root = demo_dir() / "demo-root.pem"
    if demo_root.exists():
        paths.append(demo_root)
    roots: list[Any] = []
    for path in paths:
        try:
            roots.extend(_read_certs(path))
        except (OSError, ValueError):
            continue
    return roots


# --- verification ---------------------------------------------------------------


@dataclass
class SignatureCheck:
    field: str
    signer: str  # the certificate's subject (common name first)
    issuer: str
    signed_at: dt.datetime | None  # the time the signer's computer gave
    timestamp: dt.datetime | None  # an RFC 3161 timestamp's, when there is one
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature is right
    trusted: bool  # the certificate chains to a trusted root
    covers_whole_file: bool  # nothing added after the signature
    modified: bool  # the file changed after signing (altered bytes or later changes)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.modified


@dataclass
class Verification:
    signatures: list[SignatureCheck] = field(default_factory=list)
    error: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def ok(self) -> bool:
        return self.signed and all(s.ok for s in self.signatures)

    @property
    def status(self) -> str:
        """unsigned, valid, untrusted, altered or unreadable."""
        if self.error:
            return "unreadable"
        if not self.signed:
            return "unsigned"
        if any(s.modified or not s.intact or not s.valid for s in self.signatures):
            return "altered"
        return "valid" if self.ok else "untrusted"


def _name(cert: Any) -> str:
    names = cert.subject.native
    first = names.get("common_name") or ""
    rest = [str(v) for k, v in names.items() if k in ("organization_name", "locality_name") and v]
    return ", ".join([first, *rest]) if first else cert.subject.human_friendly


def _check(sig: Any, context: Any) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = validate_pdf_signature(sig, context)
    cert = status.signing_cert
    ts = status.timestamp_validity.timestamp if status.timestamp_validity else None
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    modified = not status.intact or not (whole or status.docmdp_ok)
    return SignatureCheck(
        field=sig.field_name,
        signer=_name(cert),
        issuer=cert.issuer.human_friendly,
        signed_at=status.signer_reported_dt,
        timestamp=ts,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=whole,
        modified=modified,
        summary=status.summary(),
    )


def verify(pdf: bytes, roots: list[Any] | None = None) -> Verification:
    """Every signature of ``pdf``: who, when, whether the file changed after it, and
    whether its certificate chains to a trusted root (``roots``, else the configured)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not pdf.startswith(b"%PDF"):
        return Verification(error=_("The file is not a PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        return Verification(error=_("The PDF cannot be read: %(error)s") % {"error": exc})
    context_roots = trust_roots() if roots is None else roots
    checks = []
    for sig in embedded:
        try:
            checks.append(_check(sig, _context(context_roots)))
        except Exception as exc:  # a damaged signature is shown as such, not a 500
            checks.append(_broken(sig, exc))
    return Verification(signatures=checks)


def _broken(sig: Any, exc: Exception) -> SignatureCheck:
    return SignatureCheck(
        field=getattr(sig, "field_name", "?"),
        signer="?",
        issuer="",
        signed_at=None,
        timestamp=None,
        intact=False,
        valid=False,
        trusted=False,
        covers_whole_file=False,
        modified=True,
        summary=str(exc)[:300],
    )
