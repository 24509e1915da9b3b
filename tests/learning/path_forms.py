"""The POST the path editor sends for an existing path, built from the path
itself (its StreamFields are rendered by script, so the page's HTML alone is
not the form): every field and inline row as saved, with ``changes``."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield


def listblock(values):
    data = {
        str(i): {"value": value, "deleted": "", "order": str(i), "id": ""}
        for i, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def post_test_data(path):
    questions = []
    for block in path.post_test:
        choices = [
            {"text": c["text"], **({"correct": "on"} if c["correct"] else {})}
            for c in block.value["choices"]
        ]
        questions.append(
            (
                "question",
                {
                    "prompt": block.value["prompt"],
                    "choices": listblock(choices),
                    "explanation": block.value["explanation"],
                },
            )
        )
    return streamfield(questions)


def rows(manager, fields, drop=()):
    """An inline formset keeping the saved rows (``drop``: indexes to delete)."""
    existing = list(manager.order_by("sort_order"))
    items = []
    for i, row in enumerate(existing):
        item = {"id": row.pk, **{f: getattr(row, f) for f in fields}}
        if i in drop:
            item["DELETE"] = "on"
        items.append(item)
    return inline_formset(items, initial=len(existing))


def editor_post(path, *, drop_contributors=(), drop_steps=(), **changes):
    """``changes``: field name -> posted value (e.g. ``target_audience=""``),
    or ``action="action-publish"`` and the like."""
    action = changes.pop("action", None)
    data = nested_form_data(
        {
            "title": path.title,
            "slug": path.slug,
            "summary": path.summary,
            "target_audience": path.target_audience,
            "objectives": streamfield([("objective", b.value) for b in path.objectives]),
            "estimated_minutes": path.estimated_minutes or "",
            "steps": rows(path.steps, ["guide_id"], drop_steps),
            "prerequisites": rows(path.prerequisites, ["required_path_id"]),
            "pass_mark": path.pass_mark,
            "post_test": post_test_data(path),
            "evaluation": streamfield(
                [(b.block_type, {"prompt": b.value["prompt"]}) for b in path.evaluation]
            ),
            "institution": path.institution_id or "",
            "max_credits": path.max_credits,
            "learning_format": path.learning_format,
            "certificate_policy": path.certificate_policy,
            "release_date": path.release_date.isoformat(),
            "last_reviewed": path.last_reviewed.isoformat() if path.last_reviewed else "",
            "termination_date": (
                path.termination_date.isoformat() if path.termination_date else ""
            ),
            "joint_provider": path.joint_provider,
            "contributors": rows(path.contributors, ["person_id", "role"], drop_contributors),
            "commercial_support": rows(path.commercial_support, ["company", "kind"]),
            "moc": rows(path.moc, ["board", "credit_type", "points"]),
            "moc_consent_required": "on" if path.moc_consent_required else "",
            "claim_window_days": path.claim_window_days or "",
            "accme_activity_id": path.accme_activity_id,
            "hardware_software": path.hardware_software,
            "comments": inline_formset([]),
        }
    )
    # Inline rows post their foreign keys under the field's name.
    for key in list(data):
        for suffix, name in (("-guide_id", "-guide"), ("-person_id", "-person")):
            if key.endswith(suffix):
                data[key[: -len(suffix)] + name] = data.pop(key)
        if key.endswith("-required_path_id"):
            data[key[: -len("_id")]] = data.pop(key)
    data.update(changes)
    if action:
        data[action] = "1"
    return data
