"""The progress-sharing section of the clinician's client page, drawn by an inclusion tag so
that the client page's own view needs no change: `{% progress_sharing client %}`."""

from __future__ import annotations

from typing import Any

import segno
from django import template
from django.urls import reverse

from alliance.care.models import Client
from alliance.care.services.access import may_change

from ..handover import take_fresh_link
from ..models import ProgressSharing
from ..sharing import LINK_LIFETIME, open_progress_links

register = template.Library()


@register.inclusion_tag("progress/sharing.html", takes_context=True)
def progress_sharing(context: template.Context, client: Client) -> dict[str, Any]:
    request = context["request"]
    can_edit = may_change(request.user, client)
    sharing = ProgressSharing.objects.filter(client=client).select_related("changed_by").first()
    section: dict[str, Any] = {
        "client": client,
        "can_edit": can_edit,
        "sharing": sharing,
        "enabled": sharing is not None and sharing.enabled,
        "links": open_progress_links(client),
        "lifetime_days": LINK_LIFETIME.days,
        "link_url": None,
    }
    token = take_fresh_link(request, client) if can_edit else None
    if token is not None:
        url = request.build_absolute_uri(reverse("progress-page", args=[token]))
        section["link_url"] = url
        # Inline SVG markup, as on the session page: no script, no image request that
        # would carry the token anywhere.
        section["link_qr"] = segno.make(url, error="m").svg_inline(
            scale=5, title="Link to the client's progress"
        )
    return section
