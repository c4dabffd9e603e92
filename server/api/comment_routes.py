"""The comment book (意見簿): staff register paper comments; supervisors list, answer, mark handled
and archive them (server/queue/comments.py). Customers comment with their rating (queue_routes)."""
from __future__ import annotations

from flask import jsonify, request

from ..queue import comments, queries
from ..reports.periods import parse_date
from .core import ApiError, hub, json_body, principal, route

REGISTER_BODY = {
    "text": (str, True, "the comment as written", {"minLength": 1, "maxLength": comments.MAX_TEXT}),
    "number": (str, False, "the customer's ticket number, if known", {"maxLength": 16}),
    "contact": (str, False, "how to reach the customer, if they left it", {"maxLength": comments.MAX_CONTACT}),
    "score": (int, False, "a 1-5 rating, if given on paper", {"minimum": 1, "maximum": 5}),
    "date": (str, False, "YYYY-MM-DD the comment was received; default today",
             {"format": "date", "minLength": 10, "maxLength": 10}),
}
REPLY_BODY = {"reply": (str, True, "the branch's answer", {"minLength": 1, "maxLength": comments.MAX_REPLY})}


def _ops() -> comments.CommentOperations:
    return comments.CommentOperations(hub().engine.unit_of_work)


@route("/branches/<code>/comments", summary="The comment book: comments newest first (?status=open|answered|"
       "handled|archived; default all but archived)", capability="may_supervise", tag="comments",
       query={"status": (str, "", {"enum": list(comments.STATUSES)})})
def list_comments(code: str):
    status = request.args.get("status") or None
    if status is not None and status not in comments.STATUSES:
        raise ApiError(400, "invalid_query", f"status must be one of {', '.join(comments.STATUSES)}")
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        return jsonify(comments=comments.list_comments(session, branch.id, status))


@route("/branches/<code>/comments", ["POST"], summary="Register a comment received on paper (意見箱) (staff)",
       capability="may_read_staff_data", body=REGISTER_BODY, tag="comments", success=201)
def register_comment(code: str):
    data = json_body(REGISTER_BODY)
    day = parse_date(data["date"]) if data.get("date") else None
    return jsonify(_ops().register(code, principal().actor, data["text"], number=data.get("number") or "",
                                   contact=data.get("contact") or "", score=data.get("score"),
                                   received_on=day)), 201


@route("/branches/<code>/comments/<int:comment_id>/reply", ["POST"], summary="Answer a comment (supervisor)",
       capability="may_supervise", body=REPLY_BODY, tag="comments")
def reply_comment(code: str, comment_id: int):
    data = json_body(REPLY_BODY)
    return jsonify(_ops().reply(code, comment_id, principal().actor, data["reply"]))


@route("/branches/<code>/comments/<int:comment_id>/handled", ["POST"], summary="Mark a comment handled "
       "(supervisor)", capability="may_supervise", tag="comments")
def handle_comment(code: str, comment_id: int):
    return jsonify(_ops().mark_handled(code, comment_id, principal().actor))


@route("/branches/<code>/comments/<int:comment_id>/archive", ["POST"], summary="Archive a handled comment "
       "(supervisor)", capability="may_supervise", tag="comments")
def archive_comment(code: str, comment_id: int):
    return jsonify(_ops().archive(code, comment_id, principal().actor))
