"""GET pages of the agent console: the search, the order page and the customer's view of it."""

from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from portal.blueprints.agent import bp
from portal.blueprints.agent.forms import NoteForm
from portal.blueprints.agent.presenter import (
    headline,
    source_breakdown,
    template_helpers,
    views_sentence,
    zone_of,
)
from portal.blueprints.tracking.context import page_context
from portal.database import write_after_reads
from portal.models import Order
from portal.services import agent as agent_service
from portal.services.links import tracking_url
from portal.services.search import search_orders
from portal.web.input import db_int
from portal.web.roles import role_name

bp.context_processor(template_helpers)


def wants_partial() -> bool:
    """An htmx swap (not htmx restoring its history, which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@bp.get("/")
def index():
    query = request.args.get("q", "")[:200]
    page = request.args.get("page", 1, type=db_int) or 1
    results = search_orders(current_user.merchant_id, query, page)
    template = "agent/_results.html" if wants_partial() else "agent/search.html"
    response = make_response(
        render_template(
            template,
            results=results,
            role_name=role_name(current_user.role),
            zone=zone_of(current_user.merchant),
        )
    )
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def order_or_404(order_number: str) -> Order:
    """The signed-in user's merchant's order; 404 for any other (another shop's included)."""
    order = agent_service.get_agent_order(current_user.merchant, order_number)
    if order is None:
        abort(404)
    return order


def order_page_context(order: Order, note_form: NoteForm | None = None) -> dict:
    views = agent_service.page_view_summary(order)
    return {
        "order": order,
        "merchant": order.merchant,
        "zone": zone_of(order.merchant),
        "headline": headline(order),
        "notifications": agent_service.order_notifications(order),
        "notes": agent_service.order_notes(order),
        "feedback": agent_service.order_feedback(order),
        "views": views,
        "views_sentence": views_sentence(views),
        "view_sources": source_breakdown(views),
        "tracking_url": tracking_url(order),
        "note_form": note_form or NoteForm(formdata=None),
    }


@bp.get("/orders/<order_number>")
def order_page(order_number: str):
    order = order_or_404(order_number)
    response = make_response(render_template("agent/order.html", **order_page_context(order)))
    response.headers["Cache-Control"] = "private, no-store"
    merchant_id, order_id = order.merchant_id, order.id
    write_after_reads(lambda: agent_service.record_agent_lookup(merchant_id, order_id))
    return response


@bp.get("/orders/<order_number>/preview")
def preview(order_number: str):
    """The tracking page exactly as the shopper gets it, without counting as their visit."""
    order = order_or_404(order_number)
    link = order.active_link
    if link is None:
        flash("This order has no live tracking link: issue a new one first.", "error")
        return redirect(url_for("agent.order_page", order_number=order.order_number_norm))
    g.order_locale = order.customer_locale
    response = make_response(
        render_template("agent/preview.html", **page_context(order, link.token))
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
