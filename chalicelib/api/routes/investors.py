"""A pool's investors: list and search, add, read, edit, statement, remove."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import AddInvestorRequest, EditInvestorRequest, StatementPeriodRequest
from chalicelib.api.http import Call, Reply
from chalicelib.api.params import page_limit, search_text
from chalicelib.api.schemas import InvestorList, InvestorOut
from chalicelib.api.statement_schemas import StatementList, StatementOut, StatementsEmailOut

from .common import area, pools

bp, api = area(__name__)


@api.route(
    "/pools/{pool_id}/investors",
    "GET",
    summary="The pool's investors, paginated",
    response=InvestorList,
    query=("limit", "cursor", "q"),
    tag="investors",
)
def list_investors(call: Call, pool_id: str) -> InvestorList:
    pool, page = pools().list_investors(
        call.who,
        pool_id,
        limit=page_limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
        search=search_text(call.query.get("q")),
    )
    return InvestorList.of(page, lambda i: InvestorOut.valued(i, pool))


@api.route(
    "/pools/{pool_id}/investors",
    "POST",
    summary="Add an investor",
    body=AddInvestorRequest,
    response=InvestorOut,
    status=201,
    tag="investors",
)
def add_investor(call: Call, pool_id: str) -> InvestorOut:
    svc = pools()
    investor = svc.add_investor(call.who, pool_id, name=call.body.name, email=call.body.email)
    return InvestorOut.valued(investor, svc.get_pool(call.who, pool_id))


@api.route("/pools/{pool_id}/investors/{investor_id}", "GET", summary="One investor", response=InvestorOut, tag="investors")
def get_investor(call: Call, pool_id: str, investor_id: str) -> InvestorOut:
    svc = pools()
    pool = svc.get_pool(call.who, pool_id)
    return InvestorOut.valued(svc.get_investor(call.who, pool_id, investor_id), pool)


@api.route(
    "/pools/{pool_id}/investors/{investor_id}",
    "PATCH",
    summary="Change an investor's name or email (the change is in the activity)",
    body=EditInvestorRequest,
    response=InvestorOut,
    tag="investors",
)
def edit_investor(call: Call, pool_id: str, investor_id: str) -> InvestorOut:
    investor = wiring.corrections().edit_investor(call.who, pool_id, investor_id, name=call.body.name, email=call.body.email)
    return InvestorOut.valued(investor, pools().get_pool(call.who, pool_id))


@api.route(
    "/pools/{pool_id}/investors/{investor_id}/statement",
    "GET",
    summary="An investor's statement for a period (?from=&to=, by default since the pool opened): "
    "opening and closing values, every flow, fees, the period's return",
    response=StatementOut,
    query=("from", "to"),
    tag="investors",
)
def investor_statement(call: Call, pool_id: str, investor_id: str) -> StatementOut:
    q = call.query
    return StatementOut.of(wiring.statements().statement(call.who, pool_id, investor_id, start=q.get("from"), end=q.get("to")))


@api.route(
    "/pools/{pool_id}/statements",
    "GET",
    summary="Every investor's statement for a period (?from=&to=), by name: to print in one go",
    response=StatementList,
    query=("from", "to"),
    tag="investors",
)
def pool_statements(call: Call, pool_id: str) -> StatementList:
    q = call.query
    found = wiring.statements().statements(call.who, pool_id, start=q.get("from"), end=q.get("to"))
    return StatementList(items=[StatementOut.of(s) for s in found])


@api.route(
    "/pools/{pool_id}/statements/email",
    "POST",
    summary="Finance has each investor emailed their statement for the period: one message each, never twice (202: sending)",
    body=StatementPeriodRequest,
    response=StatementsEmailOut,
    status=202,
    tag="investors",
)
def email_statements(call: Call, pool_id: str) -> Reply:
    b = call.body
    return Reply(StatementsEmailOut.of(wiring.statements().email(call.who, pool_id, start=b.start, end=b.end)), 202)


@api.route(
    "/pools/{pool_id}/investors/{investor_id}",
    "DELETE",
    summary="Remove an investor holding no units (history is kept)",
    response=InvestorOut,
    tag="investors",
)
def remove_investor(call: Call, pool_id: str, investor_id: str) -> InvestorOut:
    svc = pools()
    svc.remove_investor(call.who, pool_id, investor_id)
    return InvestorOut.valued(svc.get_investor(call.who, pool_id, investor_id), svc.get_pool(call.who, pool_id))
