"""The embeddable widget: one small standalone HTML page (inline CSS and script, no assets)
and the `<prodready-badge>` loader script.

The page's CSS and script are constants, allowed by their CSP hashes, so the page needs no
'unsafe-inline'; every field is escaped by Jinja2's autoescape.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Literal

from jinja2 import Environment

from credentials.public import PublicProfile

Theme = Literal["light", "dark"]
Layout = Literal["compact", "full"]

CSS = (
    "*{box-sizing:border-box}html,body{margin:0}body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif}.t-light{background:#fff;color:#1b1d21}.t-dark{background:#15171c;color:#eef0f3}"
    ".card{padding:12px 14px;border:1px solid #c9ccd1;border-radius:8px}.t-dark .card{border-color:#3a3f48}"
    ".brand{margin:0;font-size:12px;color:#4a4f57}.t-dark .brand{color:#b6bcc6}h1{margin:2px 0 6px;font-size:17px}"
    ".overall{margin:0;display:flex;gap:10px;align-items:baseline}.score{font-size:26px;font-weight:700}"
    ".level{font-weight:600;text-transform:capitalize}.meta{margin:4px 0 0;font-size:12px;color:#4a4f57}"
    ".t-dark .meta{color:#b6bcc6}ul{list-style:none;margin:10px 0 0;padding:0}li{display:grid;"
    "grid-template-columns:1fr 90px 2.2em;gap:8px;align-items:center;font-size:13px}meter{width:90px}"
    ".val{text-align:right}a{color:#0b57d0}.t-dark a{color:#9cc0ff}.foot{margin:8px 0 0;font-size:12px}"
    ".l-compact .meta,.l-compact ul{display:none}"
)
SCRIPT = (
    "(function(){var b=document.body;function s(){parent.postMessage({type:'prodready:resize',"
    "profile:b.getAttribute('data-profile'),height:Math.ceil(document.documentElement.getBoundingClientRect()"
    ".height)},'*')}addEventListener('load',s);if(window.ResizeObserver)new ResizeObserver(s).observe(b);s()})();"
)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>{{ p.display_name }}: production ML skill profile (prodready)</title>
<style>{{ css }}</style></head>
<body class="t-{{ theme }} l-{{ layout }}" data-profile="{{ p.public_id }}">
<main class="card" aria-labelledby="name"><p class="brand">prodready verified skill profile</p>
<h1 id="name">{{ p.display_name }}</h1>
{% if p.overall.score is none %}<p class="overall">No scored results yet</p>{% else %}
<p class="overall"><span class="level">{{ p.overall.level }}</span>
<span class="score" role="img" aria-label="Overall score {{ p.overall.score|round|int }} out of 100">
{{- p.overall.score|round|int }}<small>/100</small></span></p>{% endif %}
<p class="meta">{{ p.overall.label }}: {{ p.overall.evidence }} results, {{ p.overall.confidence_label }} confidence</p>
{% if layout == "full" and p.areas %}<ul>{% for a in p.areas %}<li><span>{{ a.label }}</span>
<meter min="0" max="100" value="{{ a.score or 0 }}"
 aria-label="{{ a.label }}: {{ (a.score or 0)|round|int }} of 100, {{ a.level }}"></meter>
<span class="val" aria-hidden="true">{{ (a.score or 0)|round|int }}</span></li>{% endfor %}</ul>{% endif %}
<p class="foot"><a href="{{ p.links.self }}" target="_blank" rel="noopener noreferrer">
Public record and credentials</a></p>
</main><script>{{ script }}</script></body></html>
"""

_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_page = _env.from_string(PAGE)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def content_security_policy(frame_ancestors: str) -> str:
    return (f"default-src 'none'; style-src {_hash(CSS)}; script-src {_hash(SCRIPT)}; base-uri 'none'; "
            f"form-action 'none'; {frame_ancestors}")


def render(profile: PublicProfile, *, theme: Theme, layout: Layout) -> str:
    # CSS and script are our constants; Markup-free strings inside <style>/<script> are safe because
    # they contain no '<' (checked by a test) and autoescape leaves nothing else unescaped.
    from markupsafe import Markup

    return _page.render(p=profile, theme=theme, layout=layout, css=Markup(CSS), script=Markup(SCRIPT))


LOADER = """(() => {
  "use strict";
  const script = document.currentScript;
  if (!script) return;
  const base = new URL(script.src).origin;
  const ID = /^[A-Za-z0-9_-]{8,32}$/;
  class ProdreadyBadge extends HTMLElement {
    connectedCallback() {
      const id = this.getAttribute("profile") || "";
      if (this.frame || !ID.test(id)) return;
      const theme = this.getAttribute("theme") === "dark" ? "dark" : "light";
      const layout = this.getAttribute("layout") === "compact" ? "compact" : "full";
      const frame = document.createElement("iframe");
      frame.src = base + "/embed/profiles/" + encodeURIComponent(id) + "?theme=" + theme + "&layout=" + layout;
      frame.title = this.getAttribute("label") || "Production ML skill profile";
      frame.loading = "lazy";
      frame.referrerPolicy = "strict-origin";
      frame.style.cssText = "border:0;display:block;width:100%;max-width:480px;height:" +
        (layout === "compact" ? "120" : "320") + "px";
      // Only our own frame's messages resize it: same origin as this script, same window.
      this.onMessage = (event) => {
        if (event.origin !== base || event.source !== frame.contentWindow) return;
        const data = event.data;
        if (!data || data.type !== "prodready:resize") return;
        const height = Number(data.height);
        if (height > 0 && height < 4000) frame.style.height = Math.ceil(height) + "px";
      };
      window.addEventListener("message", this.onMessage);
      this.frame = frame;
      this.appendChild(frame);
    }
    disconnectedCallback() {
      window.removeEventListener("message", this.onMessage);
      if (this.frame) this.frame.remove();
      this.frame = null;
    }
  }
  if (!customElements.get("prodready-badge")) customElements.define("prodready-badge", ProdreadyBadge);
})();
"""
