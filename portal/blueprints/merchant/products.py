"""/merchant/products: search, add, edit, disable and CSV import of the catalogue."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.context import audit, current_merchant
from portal.blueprints.merchant.product_forms import ImportForm, ProductForm
from portal.extensions import db
from portal.services.products_admin import (
    ProductError,
    clean_product,
    get_product_or_404,
    import_products_csv,
    save_product,
    search_products,
)
from portal.web.input import db_int
from portal.web.rendering import render_page_or_partial
from portal.web.uploads import request_limit

PER_PAGE = 50


def _list_page(import_form: ImportForm, report=None, status: int = 200):
    query = request.args.get("q", "")
    page = max(request.args.get("page", 1, type=db_int), 1)
    products, total = search_products(current_merchant(), query, page, PER_PAGE)
    return render_page_or_partial(
        "merchant/products.html",
        "merchant/_product_results.html",
        status=status,
        products=products,
        total=total,
        query=query,
        page=page,
        pages=max(-(-total // PER_PAGE), 1),
        import_form=import_form,
        report=report,
    )


@bp.get("/products")
def products():
    return _list_page(ImportForm())


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    return _edit(ProductForm(), None)


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
def edit_product(product_id: int):
    product = get_product_or_404(current_merchant(), product_id)
    form = ProductForm(obj=product)
    if request.method == "GET":
        form.tags.data = "; ".join(product.tags or [])
        form.price.data = str(product.price) if product.price is not None else ""
    return _edit(form, product)


def _edit(form: ProductForm, product):
    if form.validate_on_submit():
        try:
            values = clean_product(form.raw_values())
            saved = save_product(current_merchant(), values, product)
        except ProductError as error:
            db.session.rollback()
            form.form_errors.append(f"The {error}.")
        else:
            audit(
                "product.updated" if product else "product.created",
                "product",
                saved.id,
                sku=saved.sku,
            )
            db.session.commit()
            flash(f"Saved {saved.name}.", "info")
            return redirect(url_for("merchant.products"), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("merchant/product_form.html", form=form, product=product), status


@bp.post("/products/<int:product_id>/toggle")
def toggle_product(product_id: int):
    product = get_product_or_404(current_merchant(), product_id)
    product.active = not product.active
    audit(
        "product.enabled" if product.active else "product.disabled",
        "product",
        product.id,
        sku=product.sku,
    )
    db.session.commit()
    state = "recommended again" if product.active else "no longer recommended"
    flash(f"{product.name} is {state}.", "info")
    return redirect(url_for("merchant.products", q=request.args.get("q") or None), code=303)


@bp.post("/products/import")
@request_limit(3 * 1024 * 1024)
def import_products():
    form = ImportForm()
    upload = form.file.data if form.validate_on_submit() else None
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors = ["Choose a CSV file to import."]
        return _list_page(form, status=422)
    report = import_products_csv(current_merchant(), upload.read())
    if report.created or report.updated:
        audit(
            "product.imported",
            "product",
            None,
            created=report.created,
            updated=report.updated,
            errors=len(report.errors),
        )
    db.session.commit()
    return _list_page(ImportForm(formdata=None), report)
