"""Mock interviews: an event log in, events out (session), question and follow-up policy, debrief.

Pure and deterministic: the clock, the RNG and the analyses are passed in; nothing here touches
the store. The mock service (`loopcoach.app.mock`) appends each event to the store before
acting on it.
"""
