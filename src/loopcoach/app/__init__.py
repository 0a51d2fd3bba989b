"""The application layer: the one package the CLI and the web app call.

`Coach` (coach.py) builds the shared things once - settings, pack library, analyzer, prep
matcher, database, clock - and hangs one service per use case off itself: `analysis`, `mock`,
`practice`, `prep`, `exercises`, `exports`, `uploads`, `accounts` (and `attempts`, which the
others share).
Each service is given only what it uses. The faces parse input, call one service, render.
docs/DESIGN.md draws the layers.
"""

from __future__ import annotations

from loopcoach.app.coach import Coach

__all__ = ["Coach"]
