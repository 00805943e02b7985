"""HTML as functions: `el` builds an element and escapes every text and attribute value it is
given, so a page is safe by construction. Markup already built is an `Html` (MarkupSafe's
`Markup`, which escapes whatever plain text is joined to it); nothing else is ever inserted
unescaped."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

VOID_ELEMENTS = {"meta", "link", "br", "input", "img", "hr"}
DOCTYPE = Markup("<!doctype html>\n")

Html = Markup  # markup that is safe to insert as it is


def render(child: object) -> Html:
    """A child as markup: Html as it is, text escaped, sequences joined, None as nothing."""
    if child is None:
        return Html("")
    if isinstance(child, Html):
        return child
    if isinstance(child, str | int | float):
        return escape(str(child))
    if isinstance(child, Iterable):
        return Html("".join(render(item) for item in child))
    raise TypeError(f"cannot render {type(child).__name__} as HTML")


def _attribute_name(name: str) -> str:
    """Python keyword arguments as attribute names: `class_` -> class, `data_x` -> data-x;
    names with capitals (SVG's viewBox) are kept."""
    return name.rstrip("_").replace("_", "-")


def attributes(attrs: dict[str, object]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        key = _attribute_name(name)
        parts.append(f" {key}" if value is True else f' {key}="{escape(str(value))}"')
    return "".join(parts)


def el(tag: str, *children: object, **attrs: object) -> Html:
    """`<tag attrs>children</tag>`, everything escaped."""
    opening = f"<{tag}{attributes(attrs)}>"
    if tag in VOID_ELEMENTS:
        return Html(opening)
    return Html(f"{opening}{render(children)}</{tag}>")


def join(parts: Iterable[object], separator: object = "") -> Html:
    rendered = [render(part) for part in parts]
    return Html(render(separator).join(rendered))


def page(title: str, body: object, root: str, site_name: str) -> str:
    """A whole page; `root` is the relative path to the site's top folder ('', '../' or
    '../../')."""
    head = el(
        "head",
        el("meta", charset="utf-8"),
        el("meta", name="viewport", content="width=device-width, initial-scale=1"),
        el("title", f"{title} - {site_name}" if title != site_name else title),
        el("link", rel="stylesheet", href=f"{root}assets/site.css"),
        el("script", src=f"{root}assets/site.js", defer=True),
    )
    header = el(
        "header",
        el("a", site_name, href=f"{root}index.html", class_="home"),
        class_="site",
    )
    return DOCTYPE + el("html", head, el("body", header, el("main", body)), lang="en") + "\n"
