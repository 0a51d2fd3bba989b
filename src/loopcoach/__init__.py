"""loopcoach: an offline, explainable interview coach for TPM, TPO and PO loops.

The public API is re-exported here; nothing happens at import time.
"""

from loopcoach.errors import LoopcoachError

__all__ = ["LoopcoachError", "__version__"]
__version__ = "0.1.0"
