"""The playground page (TF Playground parity and beyond) as Panel ``Viewer`` components.

``PlaygroundApp`` composes the controls, the network diagram, the output plots and URL
syncing around a headless :class:`pyplayground.playground.Playground`.  Import it from
``pyplayground.ui.playground.app``; nothing is imported here so a submodule stays cheap.
"""

__all__: list[str] = []
