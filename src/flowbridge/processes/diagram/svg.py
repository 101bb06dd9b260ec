"""A tiny helper for building SVG elements with lxml.

Building a tree (rather than concatenating strings) means every name from an
uploaded file is escaped by the serializer: no markup can be injected.
"""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

SVG_NS = "http://www.w3.org/2000/svg"


def fmt(number: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def el(parent: etree._Element | None, tag: str, **attrs: str | float) -> etree._Element:
    """Create an SVG element; attribute names use '_' for '-' (class_ for class)."""
    values = {
        name.rstrip("_").replace("_", "-"): value if isinstance(value, str) else fmt(value)
        for name, value in attrs.items()
    }
    if parent is None:
        return etree.Element(f"{{{SVG_NS}}}{tag}", values, nsmap={None: SVG_NS})
    return etree.SubElement(parent, f"{{{SVG_NS}}}{tag}", values)


def path(parent: etree._Element, d: str, class_: str = "", **attrs: str | float) -> etree._Element:
    if class_:
        attrs["class_"] = class_
    return el(parent, "path", d=d, **attrs)


def path_data(*parts: str | float) -> str:
    """Path data from commands and numbers: path_data("M", 1, 2, "h", 3) -> "M 1 2 h 3"."""
    return " ".join(part if isinstance(part, str) else fmt(part) for part in parts)
