"""Lesson pages: the page contract shared by the build and the app, and the task views.

* :mod:`.contract` (no Panel): the root elements of a lesson page, in document order,
  and the names both sides use (built into the static page by
  ``pyplayground.sitegen.pages``, hydrated by :mod:`pyplayground.ui.lesson_app`);
* :mod:`.views`: a task's live status, hints and "show me", the progress bar, and the
  bridge to the page's local storage.

Nothing is imported here, so importing a submodule stays cheap.
"""

__all__: list[str] = []
