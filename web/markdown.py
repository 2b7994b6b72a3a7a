"""Bank text (prompts, model answers) rendered as Markdown, then sanitised.

Raw HTML in the source is not rendered, and the output passes through nh3's
allow-list as a second line of defence, so bank content cannot inject markup.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {"p", "ul", "ol", "li", "em", "strong", "code", "pre", "blockquote", "table", "thead", "tbody", "tr", "th",
         "td", "h3", "h4", "a", "br"}


@lru_cache(maxsize=1024)
def render_markdown(text: str) -> Markup:
    html = _md.render(text)
    clean = nh3.clean(html, tags=_TAGS, attributes={"a": {"href"}}, url_schemes={"https", "http"},
                      link_rel="noopener noreferrer nofollow")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
