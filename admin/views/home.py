"""The start page after sign-in."""

from __future__ import annotations

from flask import render_template

from admin.access import ALL_STAFF, roles
from admin.blueprint import bp


@bp.get("/")
@roles(*ALL_STAFF)
def home():
    """Show what this user can do, by role."""
    return render_template("admin/home.html")
