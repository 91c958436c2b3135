"""The ``:::{adversarial} ID`` live part: settings and metrics of the attack explorer.

Two modes share one component (:mod:`pyplayground.ui.adversarial`):

* ``digits``: attack one 8×8 test digit (or a drawn one) of a shipped MLP live, and the
  whole test set in the background (accuracy against strength, plain against robust).
* ``points``: attack one point of a 2-D playground's data in the input plane; ``source``
  names a playground on the same page (its live network), otherwise a small built-in
  network is trained on the circle data.

Every metric is computed from the current state; ``None`` means "not known yet" (the
curves while they are computed, ``min_flip_eps`` before a point is chosen).
"""

from __future__ import annotations

from typing import Final

from ._spec import MetricSpec, ParamSpec, WidgetKind

#: Size of the digits test set (``digits_train_test_split()``): ``digit`` is an index into it.
N_TEST_DIGITS: Final = 360
#: Largest strength: digits live in [0, 1]; points in [-6, 6]², so the 2-D mode goes further.
MAX_EPS_DIGITS: Final = 1.0
MAX_EPS_POINTS: Final = 4.0

_P = ParamSpec
_M = MetricSpec

KIND: Final = WidgetKind(
    name="adversarial",
    title="adversarial attack explorer",
    description=(
        "Attack a digits classifier live (FGSM, PGD, JSMA) with a strength slider: the "
        "original, the magnified perturbation, the adversarial digit and the class "
        "probabilities before and after; accuracy against strength over the whole test set "
        "for the plain and the adversarially trained model. With `mode: points` it attacks "
        "one point of a 2-D playground (`source: ID`) and finds the smallest step that "
        "flips it."
    ),
    params=(
        _P(
            "mode",
            "choice",
            "digits",
            "mode",
            "`digits` (8×8 images) or `points` (a 2-D playground's data).",
            choices=("digits", "points"),
        ),
        _P(
            "model",
            "choice",
            "plain",
            "model",
            "`plain` (clean training), `robust` (adversarially trained, shipped) or "
            "`retrained` (trained in the page with **Retrain**).",
            choices=("plain", "robust", "retrained"),
        ),
        _P(
            "attack",
            "choice",
            "fgsm",
            "attack",
            "`fgsm` (one signed gradient step), `pgd` (several projected steps) or `jsma` "
            "(changes a few pixels; always targeted). The 2-D mode uses FGSM.",
            choices=("fgsm", "pgd", "jsma"),
        ),
        _P(
            "targeted",
            "bool",
            False,
            "targeted",
            "Push towards `target` instead of away from the true class.",
        ),
        _P(
            "target",
            "int",
            7,
            "target class",
            "The class a targeted attack aims for.",
            minimum=0,
            maximum=9,
        ),
        _P(
            "eps",
            "number",
            0.1,
            "strength",
            "FGSM/PGD: the largest change of one pixel (pixels are 0–1). JSMA: the largest "
            "fraction of pixels changed. Points: the step in the plane (0–4).",
            minimum=0,
            maximum=MAX_EPS_POINTS,
        ),
        _P("pgd_steps", "int", 10, "PGD steps", minimum=1, maximum=50),
        _P(
            "digit",
            "int",
            0,
            "test digit",
            "Index of the test digit (0–359).",
            minimum=0,
            maximum=N_TEST_DIGITS - 1,
        ),
        _P(
            "adv_training",
            "bool",
            True,
            "adversarial training",
            "Whether **Retrain** trains on PGD examples too (the `retrained` model).",
        ),
        _P(
            "source",
            "text",
            "",
            "2-D source",
            "Id of a playground on the same page whose network and data `points` mode "
            "attacks; empty: a built-in circle network.",
        ),
        _P(
            "point",
            "int",
            -1,
            "chosen point",
            "Index of the attacked point (test points first, then training points); -1: none.",
            minimum=-1,
            maximum=100_000,
        ),
    ),
    metrics=(
        _M(
            "fooled",
            "boolean",
            "model fooled",
            "Digits: the adversarial digit is not classified as its true label. Points: the "
            "perturbed point's predicted class differs from the clean prediction.",
        ),
        _M(
            "true_label",
            "integer",
            "true label",
            "The digit's label (a drawn digit: the clean prediction); a point's label (±1 "
            "or the class).",
        ),
        _M("predicted", "integer", "predicted class", "The clean input's predicted class."),
        _M(
            "adv_predicted",
            "integer",
            "adversarial prediction",
            "The adversarial input's predicted class.",
        ),
        _M(
            "target_reached",
            "boolean",
            "target reached",
            "A targeted attack made the model predict the target class.",
        ),
        _M("eps", "number", "strength", "The current strength."),
        _M(
            "confidence",
            "number",
            "confidence",
            "Probability the model gives its adversarial prediction.",
            percent=True,
        ),
        _M(
            "true_probability",
            "number",
            "probability of the true class",
            "Probability of the true label after the attack.",
            percent=True,
        ),
        _M(
            "changed_pixels",
            "integer",
            "changed pixels",
            "Inputs the attack changed (L0 distance).",
        ),
        _M(
            "min_flip_eps",
            "number",
            "smallest flipping strength",
            "The smallest untargeted FGSM strength that changes the clean prediction of the "
            "current digit or point (±0.001); None if even the largest strength does not.",
        ),
        _M(
            "excess_eps",
            "number",
            "strength above the minimum",
            "`eps` minus `min_flip_eps` (negative: below it).",
        ),
        _M(
            "test_accuracy",
            "number",
            "test accuracy",
            "Clean accuracy of the selected model on the 360 test digits.",
            percent=True,
        ),
        _M(
            "curve_done",
            "boolean",
            "curves computed",
            "The accuracy-vs-strength curves of the current attack are complete for the "
            "plain, the robust and (if selected) the retrained model.",
        ),
        _M(
            "curve_progress",
            "number",
            "curve progress",
            "Fraction of the curve work done.",
            percent=True,
        ),
        _M(
            "robust_accuracy_at_eps",
            "number",
            "accuracy under attack",
            "Test accuracy of the selected model under the selected attack at the current "
            "strength (interpolated between the curve's strengths; None until computed).",
            percent=True,
        ),
        _M(
            "defence_gain_at_eps",
            "number",
            "gain of adversarial training",
            "Accuracy under attack at the current strength of the robust model minus that of "
            "the plain model (None until both curves are computed).",
        ),
        _M("drawn", "boolean", "drawn digit", "The attacked digit was drawn by hand."),
        _M("point_selected", "boolean", "point chosen", "A 2-D point is being attacked."),
        _M(
            "retrain_epochs",
            "integer",
            "retraining epochs",
            "Epochs the `retrained` model has been trained in the page.",
        ),
    ),
    counter=None,
    factory="pyplayground.ui.adversarial:AdversarialExplorer",
    default_height=640,
)

__all__ = ["KIND", "MAX_EPS_DIGITS", "MAX_EPS_POINTS", "N_TEST_DIGITS"]
