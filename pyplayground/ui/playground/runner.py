"""Play/pause: training as ticks of a Panel periodic callback (never a thread or a loop).

Each tick trains ``epochs_per_frame`` epochs and draws one frame, unless the page has not
yet shown the last one (then the tick does nothing and training waits for it, as TF
Playground's one-epoch-per-animation-frame loop does; the page's acknowledgement starts
the next tick at once, the timer only polls).  The tick is a coroutine that ends with
``await asyncio.sleep(0)``: inside the Pyodide worker a tick that takes longer than the
period would otherwise run back to back without ever letting the worker read the page's
messages (clicks would wait until Pause).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import param
from panel.io.callbacks import PeriodicCallback


class Runner(param.Parameterized):
    """Runs ``tick()`` about every ``period`` ms while ``playing``."""

    playing = param.Boolean(default=False, doc="Whether training runs.")
    period = param.Integer(default=10, bounds=(1, 1000), doc="Ms between tick attempts.")
    frames = param.Integer(default=0, doc="Frames drawn since the page opened.")

    def __init__(self, tick: Callable[[], bool], **params: Any) -> None:
        super().__init__(**params)
        self._tick = tick
        self._callback: Any = None

    @param.depends("playing", watch=True)
    def _toggle(self) -> None:
        if self.playing and self._callback is None:
            # background=True: no busy-indicator bookkeeping per tick, which costs the
            # Pyodide worker ~17 ms each time (param watchers on pn.state.busy)
            self._callback = PeriodicCallback(
                callback=self._run, period=self.period, background=True
            )
            self._callback.start()
        elif not self.playing and self._callback is not None:
            callback, self._callback = self._callback, None
            callback.stop()

    async def _run(self) -> None:
        if self.playing:
            self.tick()
        await asyncio.sleep(0)

    def tick(self) -> bool:
        """One frame, unless ``tick()`` declines (returns False) because the page is behind."""
        if not self._tick():
            return False
        self.frames += 1
        return True


__all__ = ["Runner"]
