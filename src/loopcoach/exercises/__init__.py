"""Hands-on exercises from the loop: backlog prioritisation (WSJF, RICE, Kano), forecasting,
story slicing, acceptance criteria, program plans and the critical path.

One module per exercise; `files` reads the user's inputs, everything else is pure and returns
dataclasses with `to_dict()`. Checkers report `Finding`s: `{"code", "line", "message"}`.
"""
