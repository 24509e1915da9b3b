"""Where a certificate's render goes: the same certificate rendered with
parts of its page left out or laid out another way, CPU time in this
process (median of --runs), to see which part of the page WeasyPrint spends
its time on. A probe for deciding the next change, not a target: the
variants are not certificates anyone may be given.

    .venv/bin/python benchmarks/certificate_layout_probe.py [--runs 25] [--overlay]

It reads the first certificate of the database certificate_bench.py builds
(var/bench/certs.sqlite3; run that first).
"""

import argparse
import io
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BenchError
from benchmarks.harness.databases import CERTS_DB_PATH, open_certs_database
from benchmarks.harness.stats import load_average, median_ms

CPU = time.process_time  # this process's CPU time, not the wall clock
FACTS = r'<table class="facts">.*?</table>'
# The parts of the page that are the same on every certificate of a path and
# institution: the frame, the provider, the title, "This certifies that", the
# activity line, the accreditation and credit designation statements (the
# first two paragraphs of the statements) and the signature.
SAME_FOR_A_PATH = (
    r'<div class="frame"></div>',
    r'<div class="provider">.*?</div>',
    r"<h1>.*?</h1>",
    r'<p class="lead">.*?</p>',
    r'<p class="activity">.*?</p>',
    r'(<div class="statements">\s*)<p>.*?</p>\s*<p>.*?</p>',
    r'<div class="signature">.*?</div>\s*</div>',
)
# Certificates in one document, for the per-document share of a render.
IN_ONE_DOCUMENT = 10


def _learner_parts_only(html: str) -> str:
    """The page with only what differs from one learner to the next (the
    name, the facts, the MOC statements, the verification link and QR code):
    what a renderer that drew the rest once per path would still draw."""
    for pattern in SAME_FOR_A_PATH:
        html, found = re.subn(pattern, r"\1" if "(" in pattern else "", html, count=1, flags=re.S)
        if not found:
            raise BenchError(f"The certificate's page no longer matches {pattern!r}.")
    return html


def _in_one_document(html: str, count: int) -> str:
    """``count`` copies of the certificate, a page each, in one document."""
    body = re.search(r"<body>(.*)</body>", html, flags=re.S)
    if body is None:
        raise BenchError("The certificate's page has no body.")
    page = '<div style="position: relative; height: 100vh; break-after: page">{}</div>'
    pages = "".join(page.format(body.group(1)) for _ in range(count))
    return html[: body.start(1)] + pages + html[body.end(1) :]


def _variants(html: str, css: str) -> dict[str, tuple[str, str, int]]:
    """{name: (html, css, certificates in it)}: the page as it is and the
    probes."""
    facts = re.search(FACTS, html, flags=re.S)
    if facts is None:
        raise BenchError("The certificate's page has no facts table any more.")
    cells = re.findall(r"<td>(.*?)</td>", facts.group(0), flags=re.S)
    as_blocks = html.replace(
        facts.group(0),
        '<div class="facts">' + "".join(f'<div class="fact">{c}</div>' for c in cells) + "</div>",
    )
    facts_css = '.facts { margin: 7mm 0 5mm; font-family: "DejaVu Sans"; font-size: 9.5pt; }\n'

    def blocks(rules: str) -> tuple[str, str]:
        """The facts as four blocks (no table), laid out by ``rules``."""
        return as_blocks, css + facts_css + rules

    inline = ".facts .fact { display: inline-block; vertical-align: top; "
    placed = "".join(
        f".facts .fact:nth-child({i + 1}) {{ left: {left}mm; }}\n"
        for i, left in enumerate((0, 45, 110, 160))
    )
    one_each = {
        "the page as it is": (html, css),
        "without the facts table": (re.sub(FACTS, "", html, flags=re.S), css),
        "the facts table with table-layout: fixed": (
            html,
            css + "\n.facts { table-layout: fixed; width: 230mm; }\n",
        ),
        "the facts as inline blocks": blocks(inline + "padding: 0 9mm 0 0; }\n"),
        "the facts as inline blocks 55 mm wide": blocks(inline + "width: 55mm; }\n"),
        "the facts as blocks of fixed width, placed absolutely": blocks(
            ".facts { position: relative; height: 11mm; }\n"
            ".facts .fact { position: absolute; top: 0; width: 60mm; }\n" + placed
        ),
        "the facts as a flex row": blocks(
            ".facts { display: flex; } .facts .fact { padding: 0 9mm 0 0; }\n"
        ),
        "without the statements": (
            re.sub(r'<div class="statements">.*?</div>', "", html, flags=re.S),
            css,
        ),
        "without letter-spacing": (html, re.sub(r"letter-spacing: [.\d]+em;", "", css)),
        "only the learner's parts (the rest drawn once per path)": (
            _learner_parts_only(html),
            css,
        ),
    }
    return {name: (page, sheet, 1) for name, (page, sheet) in one_each.items()} | {
        f"{IN_ONE_DOCUMENT} certificates in one document, per certificate": (
            _in_one_document(html, IN_ONE_DOCUMENT),
            css,
            IN_ONE_DOCUMENT,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument(
        "--overlay",
        action="store_true",
        help="also time laying the learner's parts over a page drawn once (pypdf, pikepdf)",
    )
    options = parser.parse_args()
    open_certs_database()
    from django.template.loader import render_to_string

    import weasyprint

    from learning.certificates import rendering
    from learning.models import Certificate

    certificate = Certificate.objects.select_related("institution").order_by("pk").first()
    if certificate is None:
        raise BenchError(
            f"{CERTS_DB_PATH} has no certificate: run benchmarks/certificate_bench.py."
        )
    html = rendering.certificate_html(certificate)
    css = render_to_string("learning/certificates/certificate.css", {"paper": "letter"})
    fonts = rendering._fonts()
    print(f"load average {load_average()}, median CPU ms of {options.runs} renders each")
    for name, (page, sheet, certificates) in _variants(html, css).items():
        stylesheet = weasyprint.CSS(string=sheet, font_config=fonts)
        ms = median_ms(lambda p=page, s=stylesheet: _pdf(p, s), options.runs, CPU) / certificates
        print(f"  {name}: {ms:.1f} ms")
    if options.overlay:
        stylesheet = weasyprint.CSS(string=css, font_config=fonts)
        page = _pdf(html, stylesheet)  # stands in for the parts drawn once per path
        learner = _pdf(_learner_parts_only(html), stylesheet)
        print("laying the learner's parts over a page drawn once (median CPU ms):")
        for name, ms in _overlay_costs(page, learner, options.runs):
            print(f"  {name}: {ms}")


def _pdf(page: str, stylesheet: Any) -> bytes:
    """The PDF of ``page`` as the certificate renderer draws it."""
    from learning.certificates import rendering

    buffer = io.BytesIO()
    document = rendering.CertificateHTML(string=page, base_url=None)
    document.write_pdf(buffer, stylesheets=[stylesheet], font_config=rendering._fonts())
    return buffer.getvalue()


def _overlay_costs(page: bytes, learner: bytes, runs: int) -> list[tuple[str, str]]:
    """What laying one PDF page over another costs: with pypdf (a project
    dependency, pure Python) and with pikepdf (qpdf, C++; not a project
    dependency: measured only when installed)."""
    import pypdf

    def with_pypdf() -> bytes:
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(page))
        writer.pages[0].merge_page(pypdf.PdfReader(io.BytesIO(learner)).pages[0])
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    costs = [("pypdf", f"{median_ms(with_pypdf, runs, CPU):.1f} ms, {len(with_pypdf()):,} bytes")]
    try:
        import pikepdf
    except ImportError:
        return [*costs, ("pikepdf", "not installed (.venv/bin/pip install pikepdf to measure)")]

    def with_pikepdf() -> bytes:
        base, top = pikepdf.open(io.BytesIO(page)), pikepdf.open(io.BytesIO(learner))
        form = base.copy_foreign(top.pages[0].as_form_xobject())
        name = base.pages[0].add_resource(form, pikepdf.Name.XObject)
        base.pages[0].contents_add(pikepdf.Stream(base, b"q " + bytes(name) + b" Do Q"))
        buffer = io.BytesIO()
        base.save(buffer)
        return buffer.getvalue()

    made = len(with_pikepdf())
    return [*costs, ("pikepdf", f"{median_ms(with_pikepdf, runs, CPU):.1f} ms, {made:,} bytes")]


if __name__ == "__main__":
    main()
