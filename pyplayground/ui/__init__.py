"""Panel + Bokeh user interface: the only package that imports panel, bokeh or param.

Each page is a ``panel.viewable.Viewer`` whose module runs unchanged in the browser
(Pyodide worker of the static site), under ``panel serve`` and in Jupyter. Nothing is
imported here, so importing a submodule stays cheap.
"""
