"""The safety step of a turn: what the coach answers instead of coaching, and what it asks next.

Kept apart from bot/coach.py so the coach only asks `safety_reply(...)` and acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models import SafetyFollowUp, SessionState, now
from . import Assessment, words_to_name
from .followup import read_answer
from .replies import concern_response, moving_on, response_again, return_check_in, safe_reply, safe_resume, safety_response

# A session that had a crisis gets a gentle check-in when the person comes back after this long.
RETURN_AFTER = timedelta(hours=12)
# After the person said they are safe, the classifier alone (no danger word) asks again only after
# this long: a person who repeated the answer that drew a false check-in was asked again and again.
TRUSTED_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class SafetyAnswer:
    """What safety says to a message: `text`; `stopped` when coaching stops for it; `goes_on` when
    the message itself is to be coached after `text` (the person went on with something else);
    `held`, the earlier message to coach after `text` (it drew a check-in, and the person is safe)."""

    text: str
    stopped: bool
    goes_on: bool = False
    held: str = ""  # the message that drew a classifier-only check-in, to be coached now that the person is safe


def safety_reply(
    state: SessionState, text: str, assessment: Assessment, last_seen: datetime | None
) -> SafetyAnswer | None:
    """What safety answers this message, else None (coach as usual).

    Updates `state.safety` (the question now pending) and `state.crisis_at`; nothing else of the
    state is touched, so guided progress and the pending coaching question stay where they were."""
    language, pending = state.language, state.safety
    if pending is not None:
        answer = "unsafe" if assessment.level == "crisis" else read_answer(text, pending.question)
        if answer == "safe":
            state.safety = None
            if pending.level == "concern" and not pending.cued:  # a check-in only the classifier asked for
                state.safe_at = now()
                if pending.held:  # the message that drew it answered the coach: it is coached now
                    return SafetyAnswer(safe_resume(language, text), False, held=pending.held)
            return SafetyAnswer(safe_reply(language, text), False)
        # An answer that is neither safe nor unsafe, with no danger word in it (the classifier's
        # reading alone does not count: it is what raised the check-in in the first place).
        plain = answer == "unclear" and (assessment.level == "none" or assessment.source == "classifier")
        cued = pending.cued if plain else True
        if not cued and pending.unclear >= 1:
            # Only the classifier ever worried, and twice the person went on with something else.
            state.safety = None
            return SafetyAnswer(moving_on(language), False, goes_on=True)
        unclear = pending.unclear + 1 if plain else 0
        return SafetyAnswer(_crisis(state, again=pending.level == "crisis", key=text, cued=cued, unclear=unclear), True)
    if assessment.level == "crisis":
        return SafetyAnswer(_crisis(state, again=False), True)
    if assessment.level == "concern" and assessment.source == "classifier" and state.safe_at is not None \
            and now() - state.safe_at < TRUSTED_FOR:
        return None
    if assessment.level == "concern":
        words = words_to_name(text, assessment)
        cued = assessment.source != "classifier"
        state.safety = SafetyFollowUp(level="concern", question="harm", words=words, cued=cued, held="" if cued else text)
        return SafetyAnswer(concern_response(language, words), True)
    if state.crisis_at is not None and last_seen is not None and now() - last_seen >= RETURN_AFTER:
        state.safety = SafetyFollowUp(level="return", question="safe")
        return SafetyAnswer(return_check_in(language), True)
    return None


def _crisis(state: SessionState, again: bool, key: str = "", cued: bool = True, unclear: int = 0) -> str:
    state.safety = SafetyFollowUp(level="crisis", question="safe", cued=cued, unclear=unclear)
    state.crisis_at = now()
    return response_again(state.language, key) if again else safety_response(state.language)
