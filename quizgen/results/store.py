"""A terminal quiz session (the progress store of `quizgen quiz`) as a results file, so answers
given in a terminal reach the teacher the same way as the web quiz's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from quizgen.errors import SessionError, UsageError
from quizgen.export.web import fingerprint, quiz_id
from quizgen.results.files import FORMAT, VERSION, with_checksum
from quizgen.session import Outcome, SessionInfo, Store


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def pick_session(store: Store, session_id: int | None) -> SessionInfo:
    """The session asked for, else the newest one with at least one answer."""
    if session_id is not None:
        s = store.session(session_id)
        if s is None:
            raise UsageError(f"no session {session_id}", hint="`quizgen history` lists them")
        return s
    found = store.sessions(limit=1, with_answers=True)
    if not found:
        raise SessionError(
            "no quiz session with answers in the progress store",
            where=str(store.path),
            hint="take a quiz first: quizgen quiz ITEMS",
        )
    return found[0]


def session_results(store: Store, session: SessionInfo, *, name: str, student: str) -> dict[str, Any]:
    """The results document of one session (every item of it; unanswered ones with null)."""
    items = store.session_items(session.id)
    answers = {a.position: a for a in store.answers(session.id)}
    responses = []
    for pos, it in enumerate(items):
        a = answers.get(pos)
        answered = a is not None and a.outcome is Outcome.ANSWERED
        resp = a.response if answered and a is not None else None
        responses.append(
            {
                "item_id": it.id,
                "seen": fingerprint(it),
                "response": list(resp) if isinstance(resp, tuple) else resp,
                "ms": int(a.elapsed_ms) if a is not None else 0,
                "checked": a is not None,
            }
        )
    last = max((a.answered_at for a in answers.values()), default=session.started_at)
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "source": "terminal",
        "quiz": {"id": quiz_id(items), "title": session.bank_title, "mode": "practice", "items": len(items)},
        "student": {"name": name, "id": student},
        "started_at": _iso(session.started_at),
        "submitted_at": _iso(session.ended_at or last),
        "timed_out": session.status.value == "timeout",
        "responses": responses,
    }
    return with_checksum(doc)
