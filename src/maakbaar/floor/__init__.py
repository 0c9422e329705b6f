"""The shop floor (pure): the booking state machine of an operation and the post-calculation arithmetic."""

from .bookings import ACTIONS, BookingError, Entry, OperationState, Transition, decide

__all__ = ["ACTIONS", "BookingError", "Entry", "OperationState", "Transition", "decide"]
