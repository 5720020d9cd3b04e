"""QR codes as inline SVG (segno), for every printable page that carries a link: filing certificates,
rating posters and code cards. Server-side, no script and no external service."""

import io


def qr_svg(url: str, *, scale: int = 4, css_class: str = "qr") -> str:
    """The QR code of ``url`` as an inline ``<svg>`` element (error correction M, no XML declaration)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True,
                                    svgclass=css_class, title=None, dark="#000")
    return buffer.getvalue().decode()
