"""What an agent does to an order (POST, CSRF): refresh, resend, note, new tracking link."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from portal.blueprints.agent import bp
from portal.blueprints.agent.forms import NoteForm
from portal.blueprints.agent.presenter import carrier_name, headline, resend_outcome, zone_of
from portal.blueprints.agent.views import order_or_404, order_page_context, wants_partial
from portal.database import begin_write
from portal.extensions import db
from portal.jobs.tasks import refresh_now
from portal.models import Notification, Order
from portal.services import agent as agent_service
from portal.services.dispatch import send_due_notifications
from portal.services.polling import RefreshRefused


def writer_order(order_number: str) -> Order:
    """The order, read in a writer transaction (SQLite: no lock upgrade half-way)."""
    db.session.rollback()
    begin_write()
    return order_or_404(order_number)


def back_to(order: Order, anchor: str = ""):
    target = url_for("agent.order_page", order_number=order.order_number_norm)
    return redirect(f"{target}#{anchor}" if anchor else target, code=303)


@bp.post("/orders/<order_number>/shipments/<int:shipment_id>/refresh")
def refresh_shipment(order_number: str, shipment_id: int):
    order = order_or_404(order_number)
    shipment = next((s for s in order.shipments if s.id == shipment_id), None)
    if shipment is None:
        abort(404)
    carrier = carrier_name(shipment.carrier)
    db.session.rollback()  # refresh_now runs its own short transactions
    try:
        stats = refresh_now(shipment_id)
    except RefreshRefused as refused:
        message, tone, outcome = str(refused), "warning", "refused"
    else:
        if stats.failed:
            message, tone, outcome = "", "danger", "carrier_error"
        elif stats.events:
            count = "1 new update" if stats.events == 1 else f"{stats.events} new updates"
            message, tone, outcome = f"Checked with {carrier} just now: {count}.", "info", "ok"
        else:
            message, tone, outcome = f"Checked with {carrier} just now: nothing new.", "info", "ok"
    order = writer_order(order_number)
    shipment = next(s for s in order.shipments if s.id == shipment_id)
    if outcome == "carrier_error":
        reason = shipment.last_error or "no answer"
        message = f"{carrier} didn't answer ({reason}). We'll keep trying on the usual schedule."
    agent_service.record_refresh(order, shipment_id, current_user, outcome)
    db.session.commit()
    if not wants_partial():
        flash(message, "error" if tone == "danger" else "info")
        return back_to(order, f"shipment-{shipment_id}")
    html = render_template(
        "agent/_refreshed.html",
        order=order,
        shipment=shipment,
        zone=zone_of(order.merchant),
        headline=headline(order),
        message=message,
        message_tone=tone,
    )
    return make_response(html)


@bp.post("/orders/<order_number>/notifications/<int:notification_id>/resend")
def resend(order_number: str, notification_id: int):
    order = writer_order(order_number)
    original = agent_service.get_notification(order, notification_id)
    if original is None:
        abort(404)
    try:
        row = agent_service.resend_notification(original, current_user)
    except agent_service.AgentActionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return back_to(order, "notifications")
    db.session.commit()
    row_id = row.id
    send_due_notifications(ids=[row_id])  # sends now if due; else the sweep does, once
    row = db.session.get(Notification, row_id, populate_existing=True)
    message, ok = resend_outcome(row, zone_of(current_user.merchant))
    flash(message, "info" if ok else "error")
    return redirect(url_for("agent.order_page", order_number=order_number) + "#notifications", 303)


@bp.post("/orders/<order_number>/notes")
def add_note(order_number: str):
    order = writer_order(order_number)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            agent_service.add_note(order, current_user, form.body.data)
        except agent_service.AgentActionRefused as refused:
            form.body.errors = [str(refused)]
        else:
            db.session.commit()
            flash("Note added.", "info")
            return back_to(order, "notes")
    db.session.rollback()
    order = order_or_404(order_number)
    html = render_template("agent/order.html", **order_page_context(order, note_form=form))
    return make_response(html, 422)


@bp.post("/orders/<order_number>/link")
def reissue_link(order_number: str):
    order = writer_order(order_number)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm: the old link will stop working.", "error")
        return back_to(order, "tracking-link")
    agent_service.reissue_tracking_link(order, current_user)
    db.session.commit()
    flash("The old link no longer works. Send the customer the new one below.", "info")
    return back_to(order, "tracking-link")
