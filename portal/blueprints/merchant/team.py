"""/merchant/team: invite by emailed link, change roles, remove members, revoke invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.context import audit, current_merchant
from portal.blueprints.merchant.forms import InviteForm, RoleForm
from portal.extensions import db
from portal.services import team as team_service
from portal.services.account_mail import send_account_email


def _page(form: InviteForm, status: int = 200, error: str | None = None):
    merchant = current_merchant()
    members = team_service.list_members(merchant)
    role_forms = {member.id: RoleForm(formdata=None, role=member.role) for member in members}
    return (
        render_template(
            "merchant/team.html",
            form=form,
            members=members,
            role_forms=role_forms,
            invitations=team_service.pending_invitations(merchant),
            error=error,
        ),
        status,
    )


@bp.get("/team")
def team():
    return _page(InviteForm())


@bp.post("/team/invitations")
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    merchant = current_merchant()
    renewed = bool(team_service.open_invitations_to(merchant, form.email.data))
    try:
        invitation = team_service.invite_member(
            merchant, current_user, form.email.data, form.role.data
        )
    except team_service.TeamError as error:
        db.session.rollback()
        form.email.errors = [str(error)]
        return _page(form, 422)
    audit("team.invited", "invitation", invitation.id, email=invitation.email, role=invitation.role)
    link = url_for(
        "auth.accept_invite", token=team_service.make_invite_token(invitation), _external=True
    )
    email, subject = invitation.email, f"You're invited to {merchant.name} on Porchlight"
    text = (
        f"{current_user.email} invited you to join {merchant.name} on Porchlight as "
        f"{invitation.role}.\n\nAccept within 7 days and choose your password here:\n{link}\n"
    )
    db.session.commit()  # before mailing: a POST's transaction holds SQLite's write lock
    if send_account_email(email, subject, text):
        if renewed:
            flash(f"Invitation to {email} renewed: the earlier link no longer works.", "info")
        else:
            flash(f"Invitation sent to {email}.", "info")
    else:
        flash(f"The invitation to {email} couldn't be emailed. Try again.", "error")
    return redirect(url_for("merchant.team"), code=303)


@bp.post("/team/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int):
    invitation = team_service.get_invitation_or_404(current_merchant(), invitation_id)
    team_service.revoke_invitation(invitation)
    audit("team.invitation_revoked", "invitation", invitation.id, email=invitation.email)
    db.session.commit()
    flash(f"Invitation to {invitation.email} withdrawn.", "info")
    return redirect(url_for("merchant.team"), code=303)


@bp.post("/team/<int:user_id>/role")
def change_role(user_id: int):
    merchant = current_merchant()
    member = team_service.get_member_or_404(merchant, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _page(InviteForm(formdata=None), 422, "Choose a role: owner, admin or agent.")
    old_role = member.role
    try:
        team_service.change_role(merchant, current_user, member, form.role.data)
    except team_service.TeamError as error:
        db.session.rollback()
        return _page(InviteForm(formdata=None), 422, str(error))
    if old_role != member.role:
        audit(
            "team.role_changed", "user", member.id, email=member.email, role=[old_role, member.role]
        )
        db.session.commit()
        flash(f"{member.email} is now {member.role}.", "info")
    return redirect(url_for("merchant.team"), code=303)


@bp.post("/team/<int:user_id>/remove")
def remove_member(user_id: int):
    merchant = current_merchant()
    member = team_service.get_member_or_404(merchant, user_id)
    email, role = member.email, member.role
    try:
        team_service.remove_member(merchant, current_user, member)
    except team_service.TeamError as error:
        db.session.rollback()
        return _page(InviteForm(formdata=None), 422, str(error))
    audit("team.removed", "user", user_id, email=email, role=role)
    db.session.commit()
    flash(f"{email} removed. Their sessions have ended.", "info")
    return redirect(url_for("merchant.team"), code=303)
