"""Build the static site into site/ (``python build.py [--serve] [--out DIR]``)."""

from pyplayground.sitegen.build import main

raise SystemExit(main())
