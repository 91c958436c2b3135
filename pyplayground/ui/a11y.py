"""Accessible names for the parts of Panel/Bokeh widgets that render without one.

Slider handles, spin buttons, checkboxes and file inputs live in the widgets' shadow
roots without a label the accessibility tree can use (axe-core reports them).  The page
runs :func:`name_parts_js` once the widgets are laid out, and again after changes that
may re-render them.
"""

from __future__ import annotations

import json


def name_parts_js(class_prefix: str, file_label: str | None = None) -> str:
    """A JS arrow function that names the unnamed parts inside ``.<class_prefix>*`` widgets.

    Parameters
    ----------
    class_prefix : str
        Only widgets with a CSS class starting with this (``"pg-"``, ``"pg-adv-"``).
    file_label : str, optional
        The name given to file inputs (none are named without it).
    """
    files = ""
    if file_label:
        label = json.dumps(file_label)
        files = f"for (const f of sr.querySelectorAll('input[type=file]')) {{ name(f, {label}); }}"
    return """() => {
  const name = (el, text) => {
    if (el != null && text && !el.getAttribute("aria-label")) {
      el.setAttribute("aria-label", text);
    }
  };
  const visit = (root) => {
    for (const host of root.querySelectorAll("[class*='PREFIX']")) {
      const sr = host.shadowRoot;
      if (sr == null) { continue; }
      const title = sr.querySelector(".bk-slider-title, label");
      const label = title ? title.textContent.split(":")[0].trim() : "";
      for (const h of sr.querySelectorAll("[role=slider]")) { name(h, label); }
      for (const b of sr.querySelectorAll(".bk-spin-btn-up")) { name(b, "Increase " + label); }
      for (const b of sr.querySelectorAll(".bk-spin-btn-down")) { name(b, "Decrease " + label); }
      const text = sr.querySelector(".bk-label");  // a checkbox's text, beside the input
      for (const c of sr.querySelectorAll("input[type=checkbox]")) {
        name(c, text ? text.textContent.trim() : label);
      }
      FILES
    }
    for (const el of root.querySelectorAll("*")) { if (el.shadowRoot) { visit(el.shadowRoot); } }
  };
  visit(document);
}""".replace("PREFIX", class_prefix).replace("FILES", files)


__all__ = ["name_parts_js"]
