"""GET/POST /merchant/branding and its htmx live preview of the tracking page."""

from __future__ import annotations

from contextlib import suppress
from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, render_template, request, url_for

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.branding_forms import BrandingForm
from portal.blueprints.merchant.context import audit, current_merchant
from portal.blueprints.merchant.preview import preview_context
from portal.extensions import db
from portal.services.branding import (
    BrandingError,
    apply_branding,
    clean_pairs,
    host_problem,
    process_image,
    set_favicon,
    set_logo,
)
from portal.web.uploads import request_limit

MAX_UPLOAD_REQUEST = 12 * 1024 * 1024  # larger images get our own message, not a bare 413


def _read_upload(field) -> bytes | None:
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.read()


def _form_for(merchant) -> BrandingForm:
    if request.method == "POST":
        return BrandingForm()
    data = {
        name: getattr(merchant, name)
        for name in (
            "primary_color",
            "accent_color",
            "font",
            "header_text",
            "support_email",
            "support_phone",
            "support_url",
            "custom_host",
        )
    }
    data["footer_links"] = list(merchant.footer_links or [])
    data["faq"] = list(merchant.faq or [])
    form = BrandingForm(data=data)
    if len(form.faq) <= len(data["faq"]) and len(form.faq) < form.faq.max_entries:
        form.faq.append_entry()
    return form


def _page(form: BrandingForm, status: int = 200):
    merchant = current_merchant()
    values = form.branding_values() if request.method == "POST" else {}
    context = preview_context(merchant, _safe_values(form, values), None, False)
    return render_template("merchant/branding.html", form=form, **context), status


def _safe_values(form: BrandingForm, values: dict) -> dict:
    """Only the fields that validated go into the preview; the rest keep the saved value."""
    safe = {name: value for name, value in values.items() if not getattr(form, name).errors}
    for name, first, second in (("footer_links", "label", "url"), ("faq", "question", "answer")):
        with suppress(BrandingError):
            safe[name] = clean_pairs(getattr(form, name).data, first, second)
    return safe


@bp.get("/branding")
def branding():
    return _page(_form_for(current_merchant()))


@bp.post("/branding")
@request_limit(MAX_UPLOAD_REQUEST)
def save_branding():
    merchant = current_merchant()
    form = _form_for(merchant)
    if not form.validate_on_submit():
        return _page(form, 422)
    values = form.branding_values()
    try:
        values["footer_links"] = clean_pairs(form.footer_links.data, "label", "url")
        values["faq"] = clean_pairs(form.faq.data, "question", "answer")
        public_host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or ""
        problem = host_problem(merchant, values["custom_host"], public_host)
        if problem:
            form.custom_host.errors = [problem]
            raise BrandingError(problem)
        logo = _read_upload(form.logo)
        logo_image = process_image(logo, "logo") if logo else None
        favicon = _read_upload(form.favicon)
        favicon_image = process_image(favicon, "favicon") if favicon else None
    except BrandingError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _page(form, 422)
    changes = apply_branding(merchant, values)
    if logo_image or form.remove_logo.data:
        set_logo(merchant, logo_image)
        changes["logo"] = "replaced" if logo_image else "removed"
    if favicon_image or form.remove_favicon.data:
        set_favicon(merchant, favicon_image)
        changes["favicon"] = "replaced" if favicon_image else "removed"
    if changes:
        audit("branding.updated", "merchant", merchant.id, changes=_summarise(changes))
    db.session.commit()
    flash("Branding saved. Your tracking pages show it now.", "info")
    return redirect(url_for("merchant.branding"), code=303)


def _summarise(changes: dict) -> dict:
    """Short before/after values for the audit log (long texts are cut)."""
    return {
        name: change if isinstance(change, str) else [str(v)[:120] if v else v for v in change]
        for name, change in changes.items()
    }


@bp.post("/branding/preview")
@request_limit(MAX_UPLOAD_REQUEST)
def branding_preview():
    form = BrandingForm()
    form.validate()
    values = _safe_values(form, form.branding_values())
    context = preview_context(
        current_merchant(), values, _read_upload(form.logo), bool(form.remove_logo.data)
    )
    response = make_response(render_template("merchant/_brand_preview.html", **context))
    response.headers["Cache-Control"] = "no-store"
    return response
