"""Replies, notes, conversations and the ``*_with_attachment`` variants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit, WriteUnit
from supportdesk.api.v3 import examples
from supportdesk.api.v3.docs import READ_ERRORS, WRITE_ERRORS
from supportdesk.api.v3.multipart import json_part, uploads
from supportdesk.api.v3.params import choice, flag, ticket_number
from supportdesk.api.v3.routes.tickets import base_url, details_json, new_ticket
from supportdesk.api.v3.schemas.tickets import AddNoteBody, AddReplyBody, CreateTicketBody
from supportdesk.api.v3.tickets_wire import history_json, note_json, reply_json
from supportdesk.api.v3.wire import json_response
from supportdesk.tickets.conversations import (
    ConversationFilter,
    NewNote,
    NewReply,
    add_note,
    add_reply,
    list_conversations,
)
from supportdesk.tickets.service import create_ticket

router = APIRouter(tags=["02. Tickets"])

Number = Annotated[str | None, Query(alias="ticket_number")]
OneFile = Annotated[UploadFile | None, File(description="One file")]
ManyFiles = Annotated[list[UploadFile] | None, File(description="Several files (repeat)")]


def new_reply(body: AddReplyBody) -> NewReply:
    return NewReply(body_html=body.body, agent_email=body.agent_email,
                    from_email=body.from_email, cc_emails=body.cc_emails,
                    bcc_emails=body.bcc_emails, include_prev_ccs=body.include_prev_ccs == 1,
                    include_prev_messages=body.include_prev_messages == 1)


def new_note(body: AddNoteBody) -> NewNote:
    return NewNote(body_html=body.body, agent_email=body.agent_email,
                   notify_emails=body.notify_emails, is_private=body.private_note == 1)


REPLY_RESPONSES = {201: {"description": "The reply",
                         "content": {"application/json": {"example": examples.REPLY}}},
                   **WRITE_ERRORS}
NOTE_RESPONSES = {201: {"description": "The note",
                        "content": {"application/json": {"example": examples.NOTE}}},
                  **WRITE_ERRORS}


@router.post("/tickets/add_reply", operation_id="ReplyToTicketFromAPI",
             summary="Reply to a ticket", status_code=201, responses=REPLY_RESPONSES)
def post_add_reply(request: Request, unit: WriteUnit, body: AddReplyBody,
                   number: Number = None) -> Response:
    """Add an agent reply (201). ``cc_emails``/``bcc_emails`` are comma-separated strings."""
    message = add_reply(unit, ticket_number(number), new_reply(body))
    return json_response(reply_json(message, base_url(request)), status_code=201)


@router.post("/tickets/add_note", operation_id="AddNoteToTicketFromAPI",
             summary="Add a note to a ticket", status_code=201, responses=NOTE_RESPONSES)
def post_add_note(request: Request, unit: WriteUnit, body: AddNoteBody,
                  number: Number = None) -> Response:
    """Add a private (default) or public note (201)."""
    message = add_note(unit, ticket_number(number), new_note(body))
    return json_response(note_json(message, base_url(request)), status_code=201)


@router.post("/tickets/create_with_attachment",
             operation_id="CreateNewTicketWithAttachmentFromAPI",
             summary="Create a ticket with attachments",
             description="multipart/form-data: the ticket as JSON in the form field "
             "`ticket_object`, files in `file` (one) or repeated `files`.",
             responses={200: {"description": "The created ticket",
                              "content": {"application/json": {"example": examples.TICKET}}},
                        **WRITE_ERRORS})
def post_create_with_attachment(
    request: Request, unit: WriteUnit,
    ticket_object: Annotated[str | None, Form(description="The ticket, as JSON")] = None,
    ticket_object_query: Annotated[str | None, Query(alias="ticket_object")] = None,
    file: OneFile = None, files: ManyFiles = None,
) -> Response:
    """Create a ticket whose description carries the uploaded files."""
    body = json_part(CreateTicketBody, ticket_object, ticket_object_query, "ticket_object")
    view = create_ticket(unit, new_ticket(body), uploads(file, files))
    return json_response(details_json(view, unit.catalog, base_url(request)))


@router.post("/tickets/add_reply_with_attachment",
             operation_id="ReplyToTicketWithAttachmentFromAPI",
             summary="Reply to a ticket with attachments", status_code=201,
             description="multipart/form-data: the reply as JSON in `reply_object`, files in "
             "`file` or repeated `files`.",
             responses=REPLY_RESPONSES)
def post_add_reply_with_attachment(
    request: Request, unit: WriteUnit, number: Number = None,
    reply_object: Annotated[str | None, Form(description="The reply, as JSON")] = None,
    reply_object_query: Annotated[str | None, Query(alias="reply_object")] = None,
    file: OneFile = None, files: ManyFiles = None,
) -> Response:
    """Add an agent reply carrying files (201)."""
    body = json_part(AddReplyBody, reply_object, reply_object_query, "reply_object")
    message = add_reply(unit, ticket_number(number), new_reply(body), uploads(file, files))
    return json_response(reply_json(message, base_url(request)), status_code=201)


@router.post("/tickets/add_note_with_attachment",
             operation_id="AddNoteToTicketWithAttachmentFromAPI",
             summary="Add a note with attachments", status_code=201,
             description="multipart/form-data: the note as JSON in `note_object`, files in "
             "`file` or repeated `files`.",
             responses=NOTE_RESPONSES)
def post_add_note_with_attachment(
    request: Request, unit: WriteUnit, number: Number = None,
    note_object: Annotated[str | None, Form(description="The note, as JSON")] = None,
    note_object_query: Annotated[str | None, Query(alias="note_object")] = None,
    file: OneFile = None, files: ManyFiles = None,
) -> Response:
    """Add a note carrying files (201)."""
    body = json_part(AddNoteBody, note_object, note_object_query, "note_object")
    message = add_note(unit, ticket_number(number), new_note(body), uploads(file, files))
    return json_response(note_json(message, base_url(request)), status_code=201)


@router.get("/tickets/conversations", operation_id="GetTicketConversations",
            summary="Get the conversations of a ticket",
            responses={200: {"description": "The ticket's messages (not paged)",
                             "content": {"application/json":
                                         {"example": examples.CONVERSATIONS}}},
                       **READ_ERRORS})
def get_conversations(
    request: Request, unit: ReadUnit, number: Number = None,
    sort_by: Annotated[str | None, Query(description="earliest_on_top or latest_on_top")]
    = None,
    include_contact_replies: Annotated[str | None, Query(description="1 or 0")] = None,
    include_agent_replies: Annotated[str | None, Query(description="1 or 0")] = None,
    include_private_notes: Annotated[str | None, Query(description="1 or 0")] = None,
    include_public_notes: Annotated[str | None, Query(description="1 or 0")] = None,
    include_forward_messages: Annotated[str | None, Query(description="1 or 0")] = None,
) -> Response:
    """Every reply, note and forward of a ticket, with totals by kind."""
    wanted = ConversationFilter(
        contact_replies=flag(include_contact_replies, "include_contact_replies", default=True),
        agent_replies=flag(include_agent_replies, "include_agent_replies", default=True),
        private_notes=flag(include_private_notes, "include_private_notes", default=True),
        public_notes=flag(include_public_notes, "include_public_notes", default=True),
        forwards=flag(include_forward_messages, "include_forward_messages", default=True),
        latest_first=choice(sort_by, "sort_by", ("earliest_on_top", "latest_on_top"),
                            "earliest_on_top") == "latest_on_top",
    )
    history = list_conversations(unit, ticket_number(number), wanted)
    return json_response(history_json(history, base_url(request)))
