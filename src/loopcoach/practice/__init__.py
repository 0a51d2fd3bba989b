"""Practice over time: study plans, FSRS practice cards, progress, checklists. Pure core:
the clock and the history are arguments; nothing here touches the store or prints."""
