"""/merchant/api-keys: create (the key is shown once), list and revoke API keys."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.context import audit, current_merchant
from portal.blueprints.merchant.forms import ApiKeyForm
from portal.database import utcnow
from portal.extensions import db
from portal.models import ApiKey
from portal.services.api_keys import create_api_key


def _keys():
    return db.session.scalars(
        select(ApiKey)
        .where(ApiKey.merchant_id == current_merchant().id)
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())
    ).all()


def _page(form: ApiKeyForm, new_key: str | None = None, status: int = 200):
    response = render_template("merchant/api_keys.html", form=form, keys=_keys(), new_key=new_key)
    # A page holding a fresh key must not be cached anywhere.
    return response, status, {"Cache-Control": "no-store"}


@bp.get("/api-keys")
def api_keys():
    return _page(ApiKeyForm())


@bp.post("/api-keys")
def create_key():
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    api_key, raw_key = create_api_key(current_merchant(), form.name.data)
    audit("api_key.created", "api_key", api_key.id, name=api_key.name, prefix=api_key.prefix)
    db.session.commit()
    return _page(ApiKeyForm(formdata=None), new_key=raw_key, status=201)


@bp.post("/api-keys/<int:key_id>/revoke")
def revoke_key(key_id: int):
    api_key = db.session.get(ApiKey, key_id)
    if api_key is None or api_key.merchant_id != current_merchant().id:
        abort(404)
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        audit("api_key.revoked", "api_key", api_key.id, name=api_key.name, prefix=api_key.prefix)
        db.session.commit()
        flash(f"Key “{api_key.name}” revoked. Requests using it are refused from now on.", "info")
    return redirect(url_for("merchant.api_keys"), code=303)
