"""CLI commands for satisfaction surveys."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from supportdesk.api.errors import describe_errors
from supportdesk.cli.common import TenantOption, app, deployment, when
from supportdesk.errors import BadRequest
from supportdesk.surveys.schemas import (
    SEND_ON,
    SURVEY_TYPES,
    SurveyCreate,
    SurveyUpdate,
    name_of,
)
from supportdesk.surveys.service import (
    activate_survey,
    create_survey,
    delete_survey,
    get_survey,
    list_surveys,
    update_survey,
)
from supportdesk.unit import open_unit

survey_app = typer.Typer(help="Manage a tenant's satisfaction surveys.", no_args_is_help=True)
app.add_typer(survey_app, name="survey")

SurveyArgument = Annotated[str, typer.Argument(help="The survey's name (any case).")]


@survey_app.command("list")
def survey_list(tenant: TenantOption) -> None:
    """List surveys that are not deleted: id, active, type, send on, created, name."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant) as unit:
        surveys = list_surveys(unit, include_deleted=False)
    typer.echo(f"{'ID':>4} {'ACTIVE':<6} {'TYPE':<22} {'SEND ON':<8} {'CREATED':<19} NAME")
    for survey in surveys:
        typer.echo(f"{survey.id:>4} {'yes' if survey.is_active else 'no':<6} "
                   f"{name_of(SURVEY_TYPES, survey.survey_type) or '?':<22} "
                   f"{name_of(SEND_ON, survey.notify_type) or '?':<8} "
                   f"{when(survey.created_at):<19} {survey.name}")


@survey_app.command("create")
def survey_create(  # Typer passes every option by name.
    *,
    tenant: TenantOption,
    file: Annotated[Path | None, typer.Option(
        "--file", help="A JSON definition, as the admin API takes it (POST "
        "/apis/admin/surveys); '-' reads standard input. Options given as well override "
        "its fields.")] = None,
    name: Annotated[str | None, typer.Option(help="Name of the survey.")] = None,
    survey_type: Annotated[str | None, typer.Option(
        "--type", help="customer_satisfaction, five_star or net_promoter_score.")] = None,
    question: Annotated[list[str] | None, typer.Option(
        "--question", help="A question; repeat for up to three (customer_satisfaction).")]
    = None,
    scale: Annotated[int | None, typer.Option(
        help="customer_satisfaction only: 2 to 7 points (default 7).")] = None,
    send_on: Annotated[str | None, typer.Option(help="resolve (default) or close.")] = None,
    comments_title: Annotated[str | None, typer.Option(
        help="Ask for additional comments under this prompt.")] = None,
    active: Annotated[bool, typer.Option(
        "--active", help="Make it the survey that is sent (others stop).")] = False,
) -> None:
    """Define a survey from a JSON file and/or options."""
    definition: dict[str, Any] = _read_definition(file) if file is not None else {}
    options: dict[str, Any] = {
        "name": name, "survey_type": survey_type, "questions": question or None,
        "scale": scale, "send_on": send_on, "additional_comments_title": comments_title,
    }
    definition.update({k: v for k, v in options.items() if v is not None})
    if comments_title is not None:
        definition["include_additional_comments"] = True
    if active:
        definition["is_active"] = True
    with deployment() as (settings, database):
        try:
            data = SurveyCreate.model_validate(definition)
        except ValidationError as error:
            raise BadRequest(describe_errors(error.errors())) from None
        with open_unit(database, settings, subdomain=tenant, write=True) as unit:
            survey = create_survey(unit, data=data)
    typer.echo(f"survey {survey.name!r} created (id {survey.id})"
               + (", active" if survey.is_active else ""))


@survey_app.command("update")
def survey_update(  # Typer passes every option by name.
    *,
    tenant: TenantOption,
    survey: SurveyArgument,
    file: Annotated[Path | None, typer.Option(
        "--file", help="A JSON object of changes, as the admin API takes it (PATCH "
        "/apis/admin/surveys/{id}); '-' reads standard input. Options given as well override "
        "its fields.")] = None,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    survey_type: Annotated[str | None, typer.Option(
        "--type", help="A new kind: customer_satisfaction, five_star or net_promoter_score "
        "(refused once the survey has been sent).")] = None,
    question: Annotated[list[str] | None, typer.Option(
        "--question", help="Replace the questions; repeat for up to three "
        "(customer_satisfaction).")] = None,
    scale: Annotated[int | None, typer.Option(
        help="customer_satisfaction only: 2 to 7 points (refused once sent).")] = None,
    send_on: Annotated[str | None, typer.Option(help="resolve or close.")] = None,
    thankyou_text: Annotated[str | None, typer.Option(
        help="Shown to the contact after answering ('' clears it).")] = None,
    comments_title: Annotated[str | None, typer.Option(
        help="Ask for additional comments under this prompt.")] = None,
    comments: Annotated[bool | None, typer.Option(
        "--comments/--no-comments", help="Ask, or stop asking, for additional comments.")]
    = None,
    active: Annotated[bool | None, typer.Option(
        "--active/--inactive", help="Make it the survey that is sent (others stop), or stop "
        "sending it.")] = None,
) -> None:
    """Change a survey: only what is given changes; the result must be valid as a whole."""
    changes: dict[str, Any] = _read_definition(file) if file is not None else {}
    options: dict[str, Any] = {
        "name": name, "survey_type": survey_type, "questions": question or None,
        "scale": scale, "send_on": send_on, "thankyou_text": thankyou_text,
        "additional_comments_title": comments_title,
        "include_additional_comments": comments, "is_active": active,
    }
    changes.update({k: v for k, v in options.items() if v is not None})
    if comments_title is not None and comments is None:
        changes["include_additional_comments"] = True
    with deployment() as (settings, database):
        try:
            data = SurveyUpdate.model_validate(changes)
        except ValidationError as error:
            raise BadRequest(describe_errors(error.errors())) from None
        with open_unit(database, settings, subdomain=tenant, write=True) as unit:
            # Surveys are named on the command line; the service changes one by id.
            survey_id = get_survey(unit, survey=survey).id
            record = update_survey(unit, survey_id=survey_id, changes=data)
    typer.echo(f"survey {record.name!r} updated (id {record.id})"
               + (", active" if record.is_active else ""))


@survey_app.command("activate")
def survey_activate(tenant: TenantOption, survey: SurveyArgument) -> None:
    """Make a survey the one that is sent; every other survey becomes inactive."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=True) as unit:
        record = activate_survey(unit, survey=survey)
    typer.echo(f"survey {record.name!r} is now the active survey")


@survey_app.command("delete")
def survey_delete(tenant: TenantOption, survey: SurveyArgument) -> None:
    """Delete a survey: it is no longer sent; ratings given on it are kept."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=True) as unit:
        delete_survey(unit, survey=survey)
    typer.echo(f"survey {survey.strip()!r} deleted")


def _read_definition(file: Path) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        value = json.loads(text)
    except OSError as error:
        typer.echo(f"error: cannot read {file}: {error.strerror}", err=True)
        raise typer.Exit(1) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        typer.echo(f"error: {file} is not valid JSON: {error}", err=True)
        raise typer.Exit(1) from None
    if not isinstance(value, dict):
        typer.echo(f"error: {file} must hold a JSON object", err=True)
        raise typer.Exit(1)
    return value
