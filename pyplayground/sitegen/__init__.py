"""Build the static site (build time only; never imported in the browser).

* :mod:`.fetch`: download and cache Pyodide, the wasm and pure wheels, slim them.
* :mod:`.compile`: precompile Python sources to bytecode with Pyodide's own Python (Node).
* :mod:`.convert`: ``panel convert`` the entry scripts and rewrite them to local URLs.
* :mod:`.pages`: the landing page and the lesson list.
* :mod:`.build`: the pipeline behind ``python build.py`` / ``pyplayground build``.
* :mod:`.serve`: a loopback static server with the right MIME types.
"""


class SiteBuildError(RuntimeError):
    """A build step failed; the message says what failed and what to do."""
