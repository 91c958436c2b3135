"""The playground

TF Playground's controls and views, and more: multi-class data, your own CSV,
optimizers, dropout, gradient flow, a confusion matrix, export and share links.
"""

# The worker runs this file as __main__; `panel serve` as a bokeh_app_* module. Keep
# globals few and never name one `state` (the worker template imports Panel's `state`).
import panel as pn

from pyplayground.ui.playground.app import PlaygroundApp

pn.extension()

if __name__ == "__main__" or pn.state.served:
    PlaygroundApp().servable(title="pyplayground: the playground")
