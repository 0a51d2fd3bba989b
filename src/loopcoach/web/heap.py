"""The serving process's heap and Python's garbage collector.

A full collection walks every container object the process holds; once the model, the pack
library, FastAPI and its pydantic models are loaded, that is 150,000 objects and about 0.1 s of
CPU (0.2-0.4 s of wall time on a busy machine) with the GIL held: every request, the health
check included, waited for it, several times a minute under load. `settle` collects once and
then moves everything that survived into the permanent generation (`gc.freeze`), so later
collections walk only what was made since. `loopcoach serve` calls it when the warm-up is done.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect once, then leave everything alive now out of every later collection."""
    gc.collect()
    gc.freeze()
