"""One-off: convert scikit-learn's ``load_digits`` into ``digits.npz`` next to this file.

Run ``python -m pyplayground.data._convert_digits`` with scikit-learn installed. The package
itself never imports scikit-learn; the browser reads the compressed file with NumPy only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUTPUT = Path(__file__).with_name("digits.npz")


def main() -> None:
    """Write ``digits.npz`` (``images`` uint8 (1797, 64) in 0..16, ``labels`` uint8)."""
    from sklearn.datasets import load_digits  # build-time only, never in the browser

    bunch = load_digits()
    data, target = np.asarray(bunch.data), np.asarray(bunch.target)
    images = data.astype(np.uint8)
    labels = target.astype(np.uint8)
    if not (np.array_equal(images, data) and np.array_equal(labels, target)):
        raise ValueError("load_digits() values do not fit uint8 exactly.")
    np.savez_compressed(OUTPUT, images=images, labels=labels)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes), images {images.shape}")


if __name__ == "__main__":
    main()
