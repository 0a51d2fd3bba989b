"""The one way a route gets the application: `coach: CoachDep` (a FastAPI dependency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from loopcoach.app import Coach


def get_coach(request: Request) -> Coach:
    """The `Coach` that `create_app` was given."""
    coach: Coach = request.app.state.coach
    return coach


CoachDep = Annotated[Coach, Depends(get_coach)]
