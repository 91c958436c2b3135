"""A "copy to clipboard" button whose result the learner can see.

Copying happens in the page (a ``CustomJS``: the worker has no clipboard).  Panel's
``Button`` does not redraw a label changed from the page, so the outcome ("Link copied ✓",
or how to copy by hand) goes to a small status text next to the button, a live region
for screen readers.
"""

from __future__ import annotations

from typing import Any

import panel as pn

#: ``%(text)s`` is a JS expression for the text to copy; ``%(done)s`` the success message.
_COPY_JS = """
const text = %(text)s;
const show = (msg) => { status.text = '<span role="status">' + msg + '</span>'; };
if (navigator.clipboard && window.isSecureContext) {
  navigator.clipboard.writeText(text).then(
    () => show("%(done)s ✓"), () => show("Copy failed: select the text and copy it"));
} else {
  show("Copy is not available here: select the text and copy it");
}
"""


def copy_button(
    label: str,
    text_js: str,
    done: str,
    css_class: str,
    *,
    args: dict[str, Any] | None = None,
    before_js: str = "",
    **button_params: Any,
) -> tuple[pn.widgets.Button, pn.pane.HTML]:
    """A button that copies ``text_js`` (a JS expression) and the status text beside it.

    Parameters
    ----------
    label : str
        The button's label.
    text_js : str
        JS expression evaluated in the page for the text to copy (may use ``args``).
    done : str
        Shown (with ✓) once the text is on the clipboard.
    css_class : str
        CSS class of the button; the status gets ``<css_class>-status``.
    args : dict, optional
        Models the JS may read (as for ``js_on_click``).
    before_js : str, optional
        JS run before copying (e.g. to put the link into the address bar).
    """
    status = pn.pane.HTML(
        "", css_classes=[f"{css_class}-status"], margin=(0, 8), styles={"font-size": "12px"}
    )
    button = pn.widgets.Button(label=label, css_classes=[css_class], **button_params)
    code = before_js + _COPY_JS % {"text": text_js, "done": done}
    button.js_on_click(args={**(args or {}), "status": status}, code=code)
    return button, status


__all__ = ["copy_button"]
