"""JSON shapes of forms for the API and the kiosk."""
from __future__ import annotations

from typing import Any

from kiosk.links import LinkTarget
from kiosk.models import QuestionKind
from kiosk.published import QuestionView, VersionView


def link_json(target: LinkTarget, version: VersionView) -> dict[str, Any]:
    """Return the form behind a link, with every text in every language."""
    return {
        "link": target.code,
        "location": {"id": target.location_id, "name": target.location_name},
        "form": {
            "id": target.form_id,
            "version": version.number,
            "version_id": version.id,
            "title": version.title,
            "intro": version.intro,
            "languages": list(version.languages),
            "questions": [question_json(q) for q in version.questions],
        },
    }


def question_json(q: QuestionView) -> dict[str, Any]:
    """Return one question as the API describes it."""
    data: dict[str, Any] = {"id": str(q.id), "kind": q.kind.value, "text": q.text, "help": q.help}
    if q.kind is QuestionKind.SMILEY:
        data["options"] = [{"value": o.position, "label": o.label} for o in q.options]
    elif q.kind.has_options:
        data["options"] = [{"id": o.id, "label": o.label} for o in q.options]
    elif q.kind is QuestionKind.SCALE:
        data["scale"] = {
            "min": q.scale_min,
            "max": q.scale_max,
            "min_label": q.scale_min_label,
            "max_label": q.scale_max_label,
        }
    return data
