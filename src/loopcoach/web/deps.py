"""The one way a route gets the application: `coach: CoachDep` (a FastAPI dependency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from loopcoach.app import Coach
from loopcoach.app.accounts import Account
from loopcoach.errors import LoopcoachError


def get_coach(request: Request) -> Coach:
    """The `Coach` that `create_app` was given; in hosted mode, the signed-in user's (whose
    services see that user's rows only), and never the app's own."""
    if getattr(request.app.state, "hosted", None) is None:
        coach: Coach = request.app.state.coach
        return coach
    mine = getattr(request.state, "owner_coach", None)
    if not isinstance(mine, Coach):
        raise SignInRequired()
    return mine


def get_account(request: Request) -> Account:
    """The signed-in account (hosted mode); SignInRequired otherwise."""
    account = getattr(request.state, "account", None)
    if not isinstance(account, Account):
        raise SignInRequired()
    return account


class SignInRequired(LoopcoachError):
    http_status = 401

    def __init__(self) -> None:
        super().__init__("sign-in", "sign in first: open /login")


CoachDep = Annotated[Coach, Depends(get_coach)]
AccountDep = Annotated[Account, Depends(get_account)]
