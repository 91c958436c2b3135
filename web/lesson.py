"""A lesson

Prose, live playgrounds and tasks that are checked as the network trains.
"""

# The site has one page per lesson, lesson-<id>.html (built by sitegen/pages.py around
# lessons/*.md); each starts this worker as lesson.js?lesson=<id>. Under `panel serve
# web/lesson.py`, open /lesson?lesson=<id>. Keep globals few and never name one `state`.
import panel as pn

from pyplayground.ui.lesson_app import serve_page

pn.extension()

if __name__ == "__main__" or pn.state.served:
    serve_page()
