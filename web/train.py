"""Train a network

Pick a dataset, press Train and watch the decision boundary and the loss change live.
"""

import panel as pn

from pyplayground.ui.train_app import TrainApp

pn.extension()

TrainApp().servable(title="pyplayground: train a network")
